package io.busmesh.impl.load;

/**
 * Tuning of the load figures of one service's replicas.
 *
 * @param ewmaDecayNanos      τ of the latency and error averages
 * @param reportTtlNanos      how long a replica's self-reported in-flight count is trusted; negative: never
 * @param slowStart           ramp of new replicas
 */
public record LoadSettings(long ewmaDecayNanos, long reportTtlNanos, SlowStart slowStart) {
}
