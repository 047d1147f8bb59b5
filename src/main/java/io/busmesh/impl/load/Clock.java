package io.busmesh.impl.load;

/**
 * Time as busmesh's load logic sees it. Injected everywhere time matters (EWMA decay, slow start,
 * staleness) so that tests drive it by hand instead of sleeping.
 */
public interface Clock {

  /** The system clock. */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Monotonic time for measuring intervals, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time for comparing with timestamps from other nodes, as {@link System#currentTimeMillis()}. */
  long currentTimeMillis();
}
