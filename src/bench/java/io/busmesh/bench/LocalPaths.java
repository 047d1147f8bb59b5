package io.busmesh.bench;

import io.vertx.core.Future;

import java.util.List;

/**
 * Every call path in the benchmark's own JVM: quick to set up and easy to profile, but the paths
 * share one JIT, whose compiled code and type profiles serve whichever ran before.
 */
final class LocalPaths implements PathRuns {

  private final List<CallPath> paths;
  private final Callers callers;

  LocalPaths(List<CallPath> paths, Callers callers) {
    this.paths = List.copyOf(paths);
    this.callers = callers;
  }

  @Override
  public Future<RunResult> run(String name, Level level, int calls, long maxNanos) {
    CallPath path = paths.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    return ProcessCpu.charged(() -> level.callers() == 1 ? LoadRunner.run(path, level.inFlight(), calls, maxNanos)
        : callers.run(path, level.inFlight(), calls, maxNanos));
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
