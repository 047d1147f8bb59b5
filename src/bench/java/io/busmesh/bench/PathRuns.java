package io.busmesh.bench;

import io.vertx.core.Future;

/** Where the overhead benchmark's runs happen: in its own JVM ({@link LocalPaths}) or one JVM per path ({@link IsolatedPaths}). */
interface PathRuns {

  /** Runs {@code level} on {@code path}: at most {@code calls} calls and {@code maxNanos} of sending. */
  Future<RunResult> run(String path, Level level, int calls, long maxNanos);

  /** Releases what the runs used (the runner JVMs); completes when done. */
  Future<Void> stop();
}
