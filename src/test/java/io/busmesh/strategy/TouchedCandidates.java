package io.busmesh.strategy;

import io.busmesh.Replica;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Replicas that record which of them a strategy reads (any figure but the replica itself, which
 * every pick returns), so that a test can check how many replicas one pick looks at.
 */
final class TouchedCandidates {

  private final Set<Candidate> touched = Collections.newSetFromMap(new IdentityHashMap<>());
  final List<FakeCandidate> figures;
  final List<Candidate> candidates;

  /** Wraps {@code figures}, whose load and warmth a test may still set. */
  TouchedCandidates(List<FakeCandidate> figures) {
    this.figures = figures;
    this.candidates = figures.stream().<Candidate>map(Touching::new).toList();
  }

  /** How many replicas {@code strategy} read to make one pick. */
  int touchedByOnePick(Strategy strategy) {
    touched.clear();
    strategy.pick(candidates, null);
    return touched.size();
  }

  private final class Touching implements Candidate {

    private final FakeCandidate figures;

    Touching(FakeCandidate figures) {
      this.figures = figures;
    }

    @Override
    public Replica replica() {
      return figures.replica();
    }

    @Override
    public double inFlight() {
      touched.add(this);
      return figures.inFlight();
    }

    @Override
    public double latencyEwmaNanos() {
      touched.add(this);
      return figures.latencyEwmaNanos();
    }

    @Override
    public double latencyAverageNanos() {
      touched.add(this);
      return figures.latencyAverageNanos();
    }

    @Override
    public double errorRate() {
      touched.add(this);
      return figures.errorRate();
    }

    @Override
    public double warmth() {
      touched.add(this);
      return figures.warmth();
    }
  }
}
