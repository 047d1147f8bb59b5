package io.busmesh.impl.trust;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used map bounded both in entries and in total weight (e.g. characters held), so
 * that however many records arrive, what it keeps is capped. A hit is a hash lookup under a lock
 * held for nanoseconds; lookups come at the rate records are read from the cluster, not per call.
 */
final class BoundedLru<K, V> {

  private final int maxEntries;
  private final long maxWeight;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<K, V> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long weight;

  BoundedLru(int maxEntries, long maxWeight, ToLongFunction<V> weigher) {
    if (maxEntries < 0 || maxWeight < 0) {
      throw new IllegalArgumentException("cache bounds must be ≥ 0, got " + maxEntries + " entries and weight " + maxWeight);
    }
    this.maxEntries = maxEntries;
    this.maxWeight = maxWeight;
    this.weigher = weigher;
  }

  synchronized V get(K key) {
    return entries.get(key);
  }

  /**
   * Keeps value as the most recently used, evicting the least recently used beyond the bounds; a
   * value heavier than the whole cache may hold is not kept.
   */
  synchronized void put(K key, V value) {
    long added = weigher.applyAsLong(value);
    if (maxEntries == 0 || added > maxWeight) {
      return;
    }
    V previous = entries.put(key, value);
    weight += added - (previous == null ? 0 : weigher.applyAsLong(previous));
    Iterator<V> eldest = entries.values().iterator();
    while (entries.size() > maxEntries || weight > maxWeight) {
      weight -= weigher.applyAsLong(eldest.next());
      eldest.remove();
    }
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long weight() {
    return weight;
  }
}
