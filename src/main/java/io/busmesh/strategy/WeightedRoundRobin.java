package io.busmesh.strategy;


import java.util.List;

/**
 * Smooth weighted round robin (nginx's {@code ngx_http_upstream_get_peer}): each replica's share of
 * calls is proportional to {@code weight × warmth}, and the picks of a heavy replica are interleaved
 * with the others' instead of coming in bursts (weights 5, 1, 1 give a a b a c a a, not a a a a a b c).
 * O(n) per pick. Effective weights are read at every pick, so a warming replica's share grows as it
 * warms; the running scores start again from zero when the replica list changes.
 */
final class WeightedRoundRobin implements Strategy {

  private List<?> scoredList;
  private double[] scores = new double[0];

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    int size = candidates.size();
    if (candidates != scoredList) {
      scoredList = candidates;
      scores = new double[size];
    }
    double total = 0;
    int best = 0;
    for (int i = 0; i < size; i++) {
      C candidate = candidates.get(i);
      double weight = candidate.replica().weight() * candidate.warmth();
      total += weight;
      scores[i] += weight;
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    scores[best] -= total;
    return candidates.get(best);
  }
}
