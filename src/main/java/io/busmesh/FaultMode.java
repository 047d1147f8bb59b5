package io.busmesh;

/** What the mesh does when an attempt fails, per service (the modes Dubbo users know). */
public enum FaultMode {
  /** Retry a failure that is safe to retry on another replica, within deadline, attempts and budget (the default). */
  FAILOVER,
  /** Never retry: the first failure goes back to the caller. */
  FAILFAST,
  /** Like failover, but a call that still fails answers the configured {@code failsafeValue} instead of an error. */
  FAILSAFE,
  /**
   * Like failover, and for idempotent methods a backup request to another replica once the first
   * is slower than a high percentile of recent latency, within a budget of extra load; the first
   * answer wins.
   */
  HEDGED;

  /** The configuration name: {@code failover}, {@code failfast}, {@code failsafe}, {@code hedged}. */
  public String configName() {
    return name().toLowerCase();
  }

  /** @throws IllegalArgumentException naming the known modes */
  public static FaultMode of(String name) {
    for (FaultMode mode : values()) {
      if (mode.configName().equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("Unknown fault mode '" + name + "'; use one of failover, failfast, failsafe, hedged");
  }
}
