package io.busmesh.strategy;

import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring (Karger et al., "Consistent Hashing and Random Trees", STOC 1997) with
 * virtual nodes: each replica owns {@value #POINTS_PER_WEIGHT} points per unit of weight, placed by
 * hashing its address, and a key belongs to the first point at or after its hash. Adding or removing
 * one of n replicas moves only about 1/n of the keys. Immutable; a pick is one binary search.
 * <p>
 * The ring is one sorted {@code long[]}: a point's 40 high bits are its position, which depends only
 * on its replica's address and its number v among that replica's points; its 24 low bits name its
 * replica by a slot that stays the replica's own while it stays in the list, whatever its index.
 * So a ring for the next list is made by {@link #updatedFor} from this one with one merge pass: only
 * the points of replicas that came, left or changed weight are computed and sorted (see
 * {@link RingMerge}); the points that stay are copied in order. The ring's points are a function of
 * the replica set alone, so an updated ring places every key as a ring built from scratch would, on
 * whatever node and after whatever history.
 * <p>
 * Size: {@value #POINTS_PER_WEIGHT} points per unit of weight up to {@value #MAX_POINTS} points in
 * all (8 MB), shared out in proportion to weight when the replicas weigh more; 10,000 replicas of
 * weight 1 have 104 points each, 1,040,000 in all.
 */
final class HashRing {

  static final int POINTS_PER_WEIGHT = 160;
  /** Bounds the ring to about 8 MB; beyond it a replica gets fewer points (and balance is coarser). */
  static final int MAX_POINTS = 1 << 20;
  static final int SLOT_BITS = 24;
  static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  /** Sorted points: position in the high bits, owner's slot in the low {@value #SLOT_BITS}. */
  final long[] points;
  /** By slot: the replica's address, null for a free slot, and its number of points. */
  final String[] addressOfSlot;
  final int[] pointsOfSlot;
  /** By index in the list the ring is for: the replica's slot; and the reverse, -1 for a free slot. */
  final int[] slotOfIndex;
  private final int[] indexOfSlot;

  HashRing(long[] points, String[] addressOfSlot, int[] pointsOfSlot, int[] slotOfIndex) {
    this.points = points;
    this.addressOfSlot = addressOfSlot;
    this.pointsOfSlot = pointsOfSlot;
    this.slotOfIndex = slotOfIndex;
    this.indexOfSlot = new int[addressOfSlot.length];
    Arrays.fill(indexOfSlot, -1);
    for (int index = 0; index < slotOfIndex.length; index++) {
      indexOfSlot[slotOfIndex[index]] = index;
    }
  }

  /** A ring built from scratch: every point computed and sorted ({@link HashSort}). */
  static HashRing of(List<? extends Candidate> candidates) {
    int size = candidates.size();
    if (size > SLOT_MASK) {
      throw new IllegalArgumentException("A hash ring holds at most " + SLOT_MASK + " replicas, got " + size);
    }
    String[] addresses = new String[size];
    int[] counts = pointCounts(candidates);
    int[] slots = new int[size];
    long total = 0;
    for (int i = 0; i < size; i++) {
      addresses[i] = candidates.get(i).replica().address();
      slots[i] = i;
      total += counts[i];
    }
    long[] points = new long[(int) total];
    int next = 0;
    for (int i = 0; i < size; i++) {
      next = writePoints(points, next, addresses[i], 0, counts[i], i);
    }
    HashSort.sort(points);
    return new HashRing(points, addresses, counts, slots);
  }

  /**
   * The ring for {@code candidates}, which replace the list this ring is for: merged from this one
   * when both lists are sorted by address (as the balancer passes them), else built from scratch.
   * Either way it places every key alike.
   */
  HashRing updatedFor(List<? extends Candidate> candidates) {
    HashRing merged = RingMerge.merged(this, candidates);
    return merged != null ? merged : of(candidates);
  }

  /** Index, in the list the ring is for, of the replica that owns {@code keyHash}. */
  int ownerOf(long keyHash) {
    long position = keyHash & ~SLOT_MASK;
    int found = Arrays.binarySearch(points, position);
    int at = found >= 0 ? found : -found - 1;
    if (at == points.length) {
      at = 0;
    }
    position = points[at] & ~SLOT_MASK;
    int owner = indexOfSlot[(int) (points[at] & SLOT_MASK)];
    // Points of two replicas at one position (40-bit hashes collide, rarely): the lower list index owns
    // it, whatever the slots, as in a ring built from scratch.
    for (int next = at + 1; next < points.length && (points[next] & ~SLOT_MASK) == position; next++) {
      owner = Math.min(owner, indexOfSlot[(int) (points[next] & SLOT_MASK)]);
    }
    return owner;
  }

  /** Number of points on the ring. */
  int size() {
    return points.length;
  }

  /**
   * Points per replica: {@value #POINTS_PER_WEIGHT} per unit of weight, or its weight's share of
   * {@value #MAX_POINTS} when that is less; at least 1. Depends on the whole set, so that every node
   * and every history gives a replica the same points.
   */
  static int[] pointCounts(List<? extends Candidate> candidates) {
    long totalWeight = 0;
    for (Candidate c : candidates) {
      totalWeight += weightOf(c);
    }
    int[] counts = new int[candidates.size()];
    for (int i = 0; i < counts.length; i++) {
      long weight = weightOf(candidates.get(i));
      counts[i] = (int) Math.max(1, Math.min(weight * POINTS_PER_WEIGHT, weight * MAX_POINTS / totalWeight));
    }
    return counts;
  }

  /** Writes points {@code from..to-1} of the replica at {@code address}, tagged with {@code slot}, at {@code at}. */
  static int writePoints(long[] into, int at, String address, int from, int to, int slot) {
    long base = Hash64.of(address);
    for (int v = from; v < to; v++) {
      into[at++] = (Hash64.fmix64(base + v * GOLDEN_GAMMA) & ~SLOT_MASK) | slot;
    }
    return at;
  }

  private static long weightOf(Candidate candidate) {
    return Math.max(1, candidate.replica().weight());
  }
}
