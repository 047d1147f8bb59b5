package io.busmesh.impl.load;

/**
 * Ramps a newly registered replica up over a window instead of sending it a full share at once
 * (its caches, JIT and pools are cold). Its warmth grows linearly from {@link #MIN_WARMTH} to 1 over
 * the window, counted from the registration time that the registry records.
 */
public final class SlowStart {

  /** Share a brand-new replica gets at first, so it is probed at all. */
  public static final double MIN_WARMTH = 0.1;

  private final long windowMillis;

  /** @param windowMillis length of the ramp; 0 turns slow start off */
  public SlowStart(long windowMillis) {
    if (windowMillis < 0) {
      throw new IllegalArgumentException("slow-start window must be ≥ 0, got " + windowMillis);
    }
    this.windowMillis = windowMillis;
  }

  /** False when slow start is off: every replica is warm, and nobody needs to read the clock to know it. */
  public boolean isOn() {
    return windowMillis > 0;
  }

  /** Warmth in [{@link #MIN_WARMTH}, 1] of a replica registered at {@code startedAtMillis}. */
  public double warmth(long startedAtMillis, long nowMillis) {
    if (windowMillis == 0) {
      return 1.0;
    }
    double progress = (double) (nowMillis - startedAtMillis) / windowMillis;
    return Math.max(MIN_WARMTH, Math.min(1.0, progress));
  }
}
