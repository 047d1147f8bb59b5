package io.busmesh.strategy;

import java.util.Arrays;
import java.util.List;

/**
 * Makes the {@link HashRing} for a new replica list from the ring of the previous one, doing work in
 * proportion to what changed rather than to the ring: the two lists, both sorted by address, are
 * walked side by side (O(n)) to find the replicas that left, came or now have another number of
 * points; only those points are computed and sorted; then one pass over the ring drops the points
 * that go and slips in the points that come (O(p) copying, where a build from scratch sorts all p).
 * A replica that stays keeps its slot, so its points are copied as they are.
 */
final class RingMerge {

  private RingMerge() {
  }

  /**
   * The ring for {@code candidates} merged from {@code ring}, or null when merging does not apply:
   * a list not sorted by address, more points changing than the new ring holds (sorting them would
   * cost more than a build from scratch), or slots running out.
   */
  static HashRing merged(HashRing ring, List<? extends Candidate> candidates) {
    int size = candidates.size();
    String[] addresses = new String[size];
    for (int i = 0; i < size; i++) {
      addresses[i] = candidates.get(i).replica().address();
      if (i > 0 && addresses[i - 1].compareTo(addresses[i]) >= 0) {
        return null;
      }
    }
    int[] counts = HashRing.pointCounts(candidates);

    // Walk both lists in address order: replicas that stay keep their slot; -1 marks one that came.
    int capacity = ring.addressOfSlot.length;
    String[] addressOfSlot = Arrays.copyOf(ring.addressOfSlot, capacity + size);
    int[] pointsOfSlot = Arrays.copyOf(ring.pointsOfSlot, capacity + size);
    int[] slotOfIndex = new int[size];
    int previousSize = ring.slotOfIndex.length;
    String previous = null;
    for (int i = 0, j = 0; i < previousSize || j < size; ) {
      String before = i < previousSize ? ring.addressOfSlot[ring.slotOfIndex[i]] : null;
      if (before != null && previous != null && previous.compareTo(before) >= 0) {
        return null; // the previous list was not sorted
      }
      int order = before == null ? 1 : j == size ? -1 : before.compareTo(addresses[j]);
      if (order < 0) {
        int slot = ring.slotOfIndex[i++];
        addressOfSlot[slot] = null;
        pointsOfSlot[slot] = 0;
        previous = before;
      } else if (order > 0) {
        slotOfIndex[j++] = -1;
      } else {
        int slot = ring.slotOfIndex[i++];
        pointsOfSlot[slot] = counts[j];
        slotOfIndex[j++] = slot;
        previous = before;
      }
    }
    // Replicas that came take slots free before this change, then new ones; never one freed just now,
    // so that each slot's points change on one side only.
    int free = 0;
    for (int j = 0; j < size; j++) {
      if (slotOfIndex[j] < 0) {
        while (ring.addressOfSlot.length > free && ring.addressOfSlot[free] != null) {
          free++;
        }
        if (free > HashRing.SLOT_MASK) {
          return null;
        }
        addressOfSlot[free] = addresses[j];
        pointsOfSlot[free] = counts[j];
        slotOfIndex[j] = free++;
      }
    }
    int slots = Math.max(capacity, free);
    return merge(ring, Arrays.copyOf(addressOfSlot, slots), Arrays.copyOf(pointsOfSlot, slots), slotOfIndex);
  }

  private static HashRing merge(HashRing ring, String[] addressOfSlot, int[] pointsOfSlot, int[] slotOfIndex) {
    int removedCount = 0;
    int addedCount = 0;
    long total = 0;
    for (int slot = 0; slot < addressOfSlot.length; slot++) {
      int before = slot < ring.pointsOfSlot.length ? ring.pointsOfSlot[slot] : 0;
      removedCount += Math.max(0, before - pointsOfSlot[slot]);
      addedCount += Math.max(0, pointsOfSlot[slot] - before);
      total += pointsOfSlot[slot];
    }
    if (removedCount == 0 && addedCount == 0) {
      return new HashRing(ring.points, addressOfSlot, pointsOfSlot, slotOfIndex);
    }
    if ((long) removedCount + addedCount > total) {
      return null;
    }
    long[] removed = new long[removedCount];
    long[] added = new long[addedCount];
    int r = 0;
    int a = 0;
    for (int slot = 0; slot < addressOfSlot.length; slot++) {
      int before = slot < ring.pointsOfSlot.length ? ring.pointsOfSlot[slot] : 0;
      int after = pointsOfSlot[slot];
      if (after < before) {
        r = HashRing.writePoints(removed, r, ring.addressOfSlot[slot], after, before, slot);
      } else if (after > before) {
        a = HashRing.writePoints(added, a, addressOfSlot[slot], before, after, slot);
      }
    }
    HashSort.sort(removed);
    HashSort.sort(added);
    long[] points = merged(ring.points, removed, added, (int) total);
    return points == null ? null : new HashRing(points, addressOfSlot, pointsOfSlot, slotOfIndex);
  }

  /**
   * {@code points} without {@code removed} and with {@code added}, all three sorted: the points
   * between two changes are copied a run at a time. Null if a removed point is missing, which cannot
   * happen for a ring made by {@link HashRing}; should it, a build from scratch is right whatever happened.
   */
  private static long[] merged(long[] points, long[] removed, long[] added, int size) {
    long[] merged = new long[size];
    int from = 0;
    int out = 0;
    int r = 0;
    int a = 0;
    while (r < removed.length || a < added.length) {
      boolean removing = a == added.length || (r < removed.length && removed[r] <= added[a]);
      long change = removing ? removed[r] : added[a];
      int at = firstAtOrAfter(points, from, change);
      System.arraycopy(points, from, merged, out, at - from);
      out += at - from;
      from = at;
      if (removing) {
        if (at == points.length || points[at] != change) {
          return null;
        }
        from++;
        r++;
      } else {
        merged[out++] = added[a++];
      }
    }
    System.arraycopy(points, from, merged, out, points.length - from);
    return merged;
  }

  /** Index of the first of {@code points[from..]} that is {@code >= value}, or the length. */
  private static int firstAtOrAfter(long[] points, int from, long value) {
    int found = Arrays.binarySearch(points, from, points.length, value);
    if (found < 0) {
      return -found - 1;
    }
    while (found > from && points[found - 1] == value) {
      found--;
    }
    return found;
  }
}
