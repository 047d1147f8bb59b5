package io.busmesh.strategy;

import java.util.Arrays;

/**
 * Sorts 64-bit hashes, in signed order as {@link Arrays#sort(long[])} does, about three times faster
 * than it when there are many: one pass of MSD radix sort (a counting sort on the top
 * {@value #BUCKET_BITS} bits; Knuth, TAOCP vol. 3, §5.2.5) spreads them over 65,536 buckets, which
 * for uniformly distributed hashes hold a handful each, and {@link Arrays#sort} then sorts each
 * bucket. Correct for any values; fast only for well-spread ones, as hash ring points are. This
 * is what bounds the build of a {@link HashRing} from scratch (a million points: ~30 ms rather than ~90 ms
 * on a slow core).
 */
final class HashSort {

  private static final int BUCKET_BITS = 16;
  private static final int BUCKETS = 1 << BUCKET_BITS;
  /** Below this many hashes the buckets would cost more than they save. */
  private static final int MIN_BUCKETED = 4 * BUCKETS;

  private HashSort() {
  }

  static void sort(long[] hashes) {
    if (hashes.length < MIN_BUCKETED) {
      Arrays.sort(hashes);
      return;
    }
    int[] start = new int[BUCKETS + 1];
    for (long hash : hashes) {
      start[bucketOf(hash) + 1]++;
    }
    for (int b = 0; b < BUCKETS; b++) {
      start[b + 1] += start[b];
    }
    int[] next = Arrays.copyOf(start, BUCKETS);
    long[] bucketed = new long[hashes.length];
    for (long hash : hashes) {
      bucketed[next[bucketOf(hash)]++] = hash;
    }
    for (int b = 0; b < BUCKETS; b++) {
      Arrays.sort(bucketed, start[b], start[b + 1]);
    }
    System.arraycopy(bucketed, 0, hashes, 0, hashes.length);
  }

  /** The top bits, with the sign bit flipped so that bucket order is signed order. */
  private static int bucketOf(long hash) {
    return (int) ((hash ^ Long.MIN_VALUE) >>> (Long.SIZE - BUCKET_BITS));
  }
}
