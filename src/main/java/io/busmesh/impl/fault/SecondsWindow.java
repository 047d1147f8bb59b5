package io.busmesh.impl.fault;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events counted in one-second buckets over a sliding window of whole seconds, safe to add to and
 * read from any thread without a lock. Each bucket is one {@code long}: the second it counts in the
 * high 32 bits and its count in the low 32, so moving a bucket on to a new second and counting in it
 * is one compare-and-set, and no increment is ever lost to a concurrent reset.
 */
public final class SecondsWindow {

  private static final long COUNT_MASK = 0xffff_ffffL;

  private final AtomicLongArray buckets;

  /** @param seconds the window's span */
  public SecondsWindow(int seconds) {
    this.buckets = new AtomicLongArray(seconds);
  }

  /** Counts one event at {@code second} (e.g. nanoTime / 10⁹). */
  public void add(long second) {
    int index = (int) Math.floorMod(second, (long) buckets.length());
    long stamp = second & COUNT_MASK;
    while (true) {
      long bucket = buckets.get(index);
      long next = (bucket >>> 32) == stamp ? bucket + 1 : (stamp << 32) | 1;
      if ((next & COUNT_MASK) == 0) {
        return; // 2³² events in one second: the count stays saturated
      }
      if (buckets.compareAndSet(index, bucket, next)) {
        return;
      }
    }
  }

  /** Events in the window that ends at {@code second}, that second included. */
  public long sum(long second) {
    long stamp = second & COUNT_MASK;
    long total = 0;
    for (int i = 0; i < buckets.length(); i++) {
      long bucket = buckets.get(i);
      long age = (stamp - (bucket >>> 32)) & COUNT_MASK;
      if (age < buckets.length()) {
        total += bucket & COUNT_MASK;
      }
    }
    return total;
  }
}
