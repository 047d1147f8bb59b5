package io.busmesh.strategy;

import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring (Karger et al., "Consistent Hashing and Random Trees", STOC 1997) with
 * virtual nodes: each replica owns {@value #POINTS_PER_WEIGHT} points per unit of weight, placed by
 * hashing its address, and a key belongs to the first point at or after its hash. Adding or removing
 * one of n replicas moves only about 1/n of the keys. Immutable; built once per candidate list.
 * <p>
 * Each point stores its owner's list index in its low {@value #INDEX_BITS} bits, so the ring is one
 * sorted {@code long[]} and a lookup is one binary search. The 40 high bits decide the order, and
 * depend only on the address, so a replica's points stay put when other replicas come and go.
 */
final class HashRing {

  static final int POINTS_PER_WEIGHT = 160;
  /** Bounds the ring to about 8 MB; beyond it a replica gets fewer points (and balance is coarser). */
  static final int MAX_POINTS = 1 << 20;
  private static final int INDEX_BITS = 24;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private final long[] points;

  private HashRing(long[] points) {
    this.points = points;
  }

  static HashRing of(List<? extends Candidate> candidates) {
    if (candidates.size() > INDEX_MASK) {
      throw new IllegalArgumentException("A hash ring holds at most " + INDEX_MASK + " replicas, got " + candidates.size());
    }
    long totalWeight = 0;
    for (Candidate c : candidates) {
      totalWeight += weightOf(c);
    }
    int[] counts = new int[candidates.size()];
    int total = 0;
    for (int i = 0; i < counts.length; i++) {
      long weight = weightOf(candidates.get(i));
      counts[i] = (int) Math.max(1, Math.min(weight * POINTS_PER_WEIGHT, weight * MAX_POINTS / totalWeight));
      total += counts[i];
    }
    long[] points = new long[total];
    int next = 0;
    for (int i = 0; i < counts.length; i++) {
      long base = Hash64.of(candidates.get(i).replica().address());
      for (int v = 0; v < counts[i]; v++) {
        points[next++] = (Hash64.fmix64(base + v * GOLDEN_GAMMA) & ~INDEX_MASK) | i;
      }
    }
    Arrays.sort(points);
    return new HashRing(points);
  }

  /** Index, in the list the ring was built from, of the replica that owns {@code keyHash}. */
  int ownerOf(long keyHash) {
    int found = Arrays.binarySearch(points, keyHash & ~INDEX_MASK);
    int at = found >= 0 ? found : -found - 1;
    return (int) (points[at == points.length ? 0 : at] & INDEX_MASK);
  }

  private static long weightOf(Candidate candidate) {
    return Math.max(1, candidate.replica().weight());
  }
}
