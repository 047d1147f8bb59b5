package io.busmesh.bench;

import io.vertx.core.Future;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * CPU time of this whole JVM (every thread: event loops, Hazelcast, GC, JIT). Read before and after a
 * run, it gives the CPU a call costs on each side, background work included, which on a machine whose
 * cores both JVMs share is a steadier measure of a path's cost than its throughput.
 */
final class ProcessCpu {

  /** Address at which the benchmark's server JVM answers with its {@link #nanos()}. */
  static final String SERVER_ADDRESS = "busmesh-bench.server.cpu";

  private ProcessCpu() {
  }

  /** Starts {@code run} and gives its result with the CPU and JIT time this JVM spent until it ended. */
  static Future<RunResult> charged(Supplier<Future<RunResult>> run) {
    long cpuBefore = nanos();
    long jitBefore = jitMillis();
    return run.get().map(result -> result.withClientCpu(since(cpuBefore, nanos()), since(jitBefore, jitMillis())));
  }

  /** {@code after - before}, or -1 if either is unknown. */
  private static long since(long before, long after) {
    return before < 0 || after < 0 ? -1 : after - before;
  }

  /** Time this JVM's JIT compilers have spent so far, in milliseconds (accumulated over its compiler threads); -1 if unknown. */
  static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  /** CPU time used by this JVM so far, in nanoseconds; -1 if the JVM does not tell. */
  static long nanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }
}
