package io.busmesh.impl.balance;

import io.busmesh.impl.load.Clock;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.internal.ContextInternal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The attempts in flight on each event loop of one node, for what must find them without their
 * answer: the timeout of a relayed attempt, and the departure of a replica's node. Each loop keeps
 * its own intrusive list, touched only by its own thread (no lock, no allocation per attempt), and
 * sweeps it every {@value #SWEEP_MS} ms while it holds attempts: timeouts are enforced within that
 * much, for the price of one timer per loop rather than one per call.
 */
final class PendingAttempts {

  /** How often a loop checks the deadlines of its attempts. */
  static final long SWEEP_MS = 10;

  /** An attempt, as a loop's list links it. */
  abstract static class Attempt {

    /** An attempt that its own request times out, not the sweep. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    final ContextInternal context;
    final long deadlineNanos;
    private Attempt previous;
    private Attempt next;

    Attempt(ContextInternal context, long deadlineNanos) {
      this.context = context;
      this.deadlineNanos = deadlineNanos;
    }

    /** The node of the replica it was sent to. */
    abstract String nodeId();

    /** Its deadline passed without an answer. */
    abstract void timedOut();

    /** The node of its replica left the cluster: its answer will never come. */
    abstract void nodeLeft();
  }

  private final Clock clock;
  private final FastThreadLocal<Loop> perLoop = new FastThreadLocal<>();
  private final Set<Loop> loops = ConcurrentHashMap.newKeySet();

  PendingAttempts(Clock clock) {
    this.clock = clock;
  }

  /** Keeps {@code attempt} until {@link #remove}d; on its context's thread. */
  void add(Attempt attempt) {
    Loop loop = perLoop.get();
    if (loop == null) {
      loop = new Loop(attempt.context.nettyEventLoop());
      perLoop.set(loop);
      loops.add(loop);
    }
    loop.add(attempt);
  }

  /** Forgets {@code attempt}, which ended; on the thread that added it. */
  void remove(Attempt attempt) {
    perLoop.get().remove(attempt);
  }

  /** Tells every attempt to a replica of {@code nodeId}, each on its own loop, that the node left. */
  void nodeLeft(String nodeId) {
    for (Loop loop : loops) {
      loop.eventLoop.execute(() -> loop.nodeLeft(nodeId));
    }
  }

  /**
   * One event loop's attempts. Its sweep is a task of the Netty loop itself, not a Vert.x timer, which
   * would die with whichever verticle's context happened to start it.
   */
  private final class Loop {

    final EventLoop eventLoop;
    private Attempt head;
    private ScheduledFuture<?> sweeper;

    Loop(EventLoop eventLoop) {
      this.eventLoop = eventLoop;
    }

    void add(Attempt attempt) {
      attempt.next = head;
      if (head != null) {
        head.previous = attempt;
      }
      head = attempt;
      if (sweeper == null && attempt.deadlineNanos != Attempt.NO_DEADLINE) {
        sweeper = eventLoop.scheduleAtFixedRate(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
      }
    }

    void remove(Attempt attempt) {
      if (attempt.previous != null) {
        attempt.previous.next = attempt.next;
      } else if (head == attempt) {
        head = attempt.next;
      }
      if (attempt.next != null) {
        attempt.next.previous = attempt.previous;
      }
      attempt.previous = null;
      attempt.next = null;
    }

    private void sweep() {
      long now = clock.nanoTime();
      boolean deadlines = false;
      for (Attempt attempt = head; attempt != null; ) {
        Attempt next = attempt.next;
        if (attempt.deadlineNanos <= now) {
          attempt.context.dispatch(attempt, Attempt::timedOut);
        } else {
          deadlines |= attempt.deadlineNanos != Attempt.NO_DEADLINE;
        }
        attempt = next;
      }
      if (!deadlines) {
        sweeper.cancel(false);
        sweeper = null;
      }
    }

    private void nodeLeft(String nodeId) {
      for (Attempt attempt = head; attempt != null; ) {
        Attempt next = attempt.next;
        if (attempt.nodeId().equals(nodeId)) {
          attempt.context.dispatch(attempt, Attempt::nodeLeft);
        }
        attempt = next;
      }
    }
  }
}
