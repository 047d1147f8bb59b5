package io.busmesh.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;

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
 * @param clientCpuNanos CPU time the caller's JVM used during the run (see {@link ProcessCpu}); -1 if not measured
 * @param serverCpuNanos the same for the server's JVM; -1 if not measured
 * @param clientJitMillis time the caller's JIT compilers spent during the run; -1 if not measured
 */
record RunResult(String path, int concurrency, long succeeded, long failed, String firstError,
                 long elapsedNanos, Histogram latencyNanos, long clientCpuNanos, long serverCpuNanos, long clientJitMillis) {

  RunResult(String path, int concurrency, long succeeded, long failed, String firstError, long elapsedNanos,
            Histogram latencyNanos) {
    this(path, concurrency, succeeded, failed, firstError, elapsedNanos, latencyNanos, -1, -1, -1);
  }

  RunResult withClientCpu(long cpuNanos, long jitMillis) {
    return new RunResult(path, concurrency, succeeded, failed, firstError, elapsedNanos, latencyNanos, cpuNanos,
        serverCpuNanos, jitMillis);
  }

  RunResult withServerCpu(long nanos) {
    return new RunResult(path, concurrency, succeeded, failed, firstError, elapsedNanos, latencyNanos, clientCpuNanos, nanos,
        clientJitMillis);
  }

  double callsPerSecond() {
    return succeeded / (Math.max(elapsedNanos, 1) / 1e9);
  }

  /** The whole result, histogram included (compressed), to send from one JVM to another. */
  JsonObject toJson() {
    ByteBuffer buffer = ByteBuffer.allocate(latencyNanos.getNeededByteBufferCapacity());
    int length = latencyNanos.encodeIntoCompressedByteBuffer(buffer);
    byte[] histogram = new byte[length];
    buffer.flip().get(histogram);
    return new JsonObject().put("path", path).put("concurrency", concurrency).put("succeeded", succeeded)
        .put("failed", failed).put("firstError", firstError).put("elapsedNanos", elapsedNanos)
        .put("latencyNanos", histogram).put("clientCpuNanos", clientCpuNanos).put("serverCpuNanos", serverCpuNanos)
        .put("clientJitMillis", clientJitMillis);
  }

  /** @throws IllegalArgumentException if {@code json} is not what {@link #toJson} made */
  static RunResult fromJson(JsonObject json) {
    try {
      Histogram latency = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(json.getBinary("latencyNanos")), 0);
      return new RunResult(json.getString("path"), json.getInteger("concurrency"), json.getLong("succeeded"),
          json.getLong("failed"), json.getString("firstError"), json.getLong("elapsedNanos"), latency, json.getLong("clientCpuNanos", -1L), json.getLong("serverCpuNanos", -1L),
          json.getLong("clientJitMillis", -1L));
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("not a run result: " + json.encode(), e);
    }
  }
}
