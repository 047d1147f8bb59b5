package io.busmesh.impl.balance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Timers that fire only when the test runs them. */
final class FakeTimers implements Timers {

  private record Scheduled(long delayMs, Runnable task) {
  }

  private final Map<Long, Scheduled> pending = new LinkedHashMap<>();
  private long nextId;

  @Override
  public long schedule(long delayMs, Runnable task) {
    pending.put(nextId, new Scheduled(delayMs, task));
    return nextId++;
  }

  @Override
  public void cancel(long id) {
    pending.remove(id);
  }

  /** The delays of the timers still pending, in the order they were set. */
  List<Long> delays() {
    return pending.values().stream().map(Scheduled::delayMs).toList();
  }

  void runAll() {
    List<Scheduled> due = new ArrayList<>(pending.values());
    pending.clear();
    due.forEach(s -> s.task().run());
  }

  void cancelAll() {
    pending.clear();
  }
}
