package io.busmesh.bench;

import org.HdrHistogram.Histogram;

/**
 * What one {@link LoadRunner} run measured.
 *
 * @param path         the call path's name
 * @param concurrency  calls kept in flight
 * @param succeeded    calls answered correctly (the histogram holds their latencies)
 * @param failed       calls that failed or got a wrong answer
 * @param firstError   the first failure, or {@code null}
 * @param elapsedNanos from the first call sent to the last answer
 * @param latencyNanos latencies of the correct answers, in nanoseconds
 */
record RunResult(String path, int concurrency, long succeeded, long failed, String firstError,
                 long elapsedNanos, Histogram latencyNanos) {

  double callsPerSecond() {
    return succeeded / (Math.max(elapsedNanos, 1) / 1e9);
  }
}
