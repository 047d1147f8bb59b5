package io.busmesh.impl.balance;

import io.busmesh.test.FakeClock;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The timeouts of relayed attempts on a real event loop, timed by a fake clock: a deadline that has
 * come by the clock is due at once, one an hour away never fires here, so no test waits for time to pass.
 */
class PendingAttemptsTest {

  private static final long HOUR = Duration.ofHours(1).toNanos();

  private final Vertx vertx = Vertx.vertx();
  private final ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
  private final FakeClock clock = new FakeClock();
  private final PendingAttempts pending = new PendingAttempts(clock);
  /** What happened to the attempts, in order: "timed out a", "node left b"… */
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theLoopsTimerIsSetForTheEarliestDeadlineAndNothingSooner() throws Exception {
    List<Long> timer = new CopyOnWriteArrayList<>();
    onLoop(now -> {
      pending.add(attempt("in an hour", now + HOUR));
      timer.add(pending.timerDeadlineNanos() - now);
      pending.add(attempt("in two hours", now + 2 * HOUR)); // later: the timer stays
      timer.add(pending.timerDeadlineNanos() - now);
      pending.add(attempt("in a second", now + 1_000_000_000L)); // sooner: the timer moves
      timer.add(pending.timerDeadlineNanos() - now);
      pending.add(attempt("requested", PendingAttempts.Attempt.NO_DEADLINE));
      timer.add(pending.timerDeadlineNanos() - now);
    });
    // No wake-up at a fixed short period: a loop with calls in flight wakes only when one is due.
    assertEquals(List.of(HOUR, HOUR, 1_000_000_000L, 1_000_000_000L), timer);
    assertEquals(List.of(), events);
  }

  @Test
  void anAttemptWithASoonerDeadlineMovesTheTimerAndOnlyTheDueOneTimesOut() throws Exception {
    onLoop(now -> {
      pending.add(attempt("late", now + HOUR));
      pending.add(attempt("due", now)); // sets the timer from an hour away to now
    });
    awaitEvents(1);
    onLoop(now -> { }); // the timer's task ran before this one: nothing else came of it
    assertEquals(List.of("timed out due"), events);
  }

  @Test
  void theTimerIsSetAgainForTheNextDeadlineWhenItFires() throws Exception {
    onLoop(now -> {
      pending.add(attempt("late", now + HOUR));
      pending.add(attempt("due", now));
    });
    awaitEvents(1);
    // The timer is set for the late one now. An hour passes by the clock (the real timer is still set an
    // hour ahead), and an attempt already due moves it to now: it finds the late one due too.
    onLoop(now -> {
      clock.advance(Duration.ofHours(1));
      pending.add(attempt("due again", now));
    });
    awaitEvents(3);
    assertEquals("timed out due", events.get(0));
    assertEquals(List.of("timed out due again", "timed out late"), events.subList(1, 3).stream().sorted().toList());
  }

  @Test
  void anAttemptRemovedBeforeItsDeadlineNeverTimesOut() throws Exception {
    onLoop(now -> {
      PendingAttempts.Attempt answered = attempt("answered", now);
      pending.add(answered);
      pending.remove(answered); // its answer came: the timer still fires, and finds nothing due
      pending.add(attempt("due", now));
    });
    awaitEvents(1);
    onLoop(now -> { });
    assertEquals(List.of("timed out due"), events);
  }

  @Test
  void anAttemptTimedOutByItsOwnRequestSetsNoTimer() throws Exception {
    onLoop(now -> pending.add(attempt("requested", PendingAttempts.Attempt.NO_DEADLINE)));
    onLoop(now -> clock.advance(Duration.ofDays(365)));
    onLoop(now -> pending.add(attempt("due", now)));
    awaitEvents(1);
    onLoop(now -> { });
    assertEquals(List.of("timed out due"), events);
  }

  @Test
  void theAttemptsToANodeThatLeftAreToldSoAndNoOthers() throws Exception {
    onLoop(now -> {
      pending.add(attempt("a", now + HOUR, "node-1"));
      pending.add(attempt("b", now + HOUR, "node-2"));
      pending.add(attempt("c", PendingAttempts.Attempt.NO_DEADLINE, "node-1"));
    });
    pending.nodeLeft("node-1");
    awaitEvents(2);
    onLoop(now -> { });
    assertEquals(List.of("node left a", "node left c"), events.stream().sorted().toList());
  }

  /** Runs {@code task} on the loop with the clock's time, and waits until it ran. */
  private void onLoop(Consumer<Long> task) throws Exception {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        task.accept(clock.nanoTime());
        ran.complete(null);
      } catch (RuntimeException e) {
        ran.completeExceptionally(e);
      }
    });
    ran.get(10, TimeUnit.SECONDS);
  }

  private void awaitEvents(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + count + " event(s) within 10 s, got " + events);
      }
      onLoop(now -> { }); // one turn of the loop: its due timer runs meanwhile
    }
  }

  private PendingAttempts.Attempt attempt(String name, long deadlineNanos) {
    return attempt(name, deadlineNanos, "node-1");
  }

  /** An attempt that, as ReplicaClient's do, leaves the pending list as it ends. */
  private PendingAttempts.Attempt attempt(String name, long deadlineNanos, String nodeId) {
    return new PendingAttempts.Attempt(loop, deadlineNanos) {
      @Override
      String nodeId() {
        return nodeId;
      }

      @Override
      void timedOut() {
        pending.remove(this);
        events.add("timed out " + name);
      }

      @Override
      void nodeLeft() {
        pending.remove(this);
        events.add("node left " + name);
      }
    };
  }
}
