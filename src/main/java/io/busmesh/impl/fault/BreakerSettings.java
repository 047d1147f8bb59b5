package io.busmesh.impl.fault;

import io.busmesh.ConfigReader;
import io.busmesh.ServiceOptions;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.json.JsonObject;

/**
 * The options of a replica's Vert.x circuit breaker: busmesh's defaults (5 faults in a 10 s window
 * open it, a half-open probe after 5 s) under the service's {@code breaker} settings, read as
 * strictly as busmesh's own keys. Only the keys that mean something for a busmesh breaker are
 * accepted: its timeout is the attempt's (attemptTimeoutMs), its retries are busmesh's failover.
 */
public final class BreakerSettings {

  public static final int DEFAULT_MAX_FAILURES = 5;
  public static final long DEFAULT_RESET_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_FAILURES_WINDOW_MS = 10_000;

  private static final String[] KEYS = {"maxFailures", "resetTimeout", "failuresRollingWindow", "notificationAddress",
      "notificationLocalOnly", "notificationPeriod", "metricsRollingWindow", "metricsRollingBuckets"};

  private BreakerSettings() {
  }

  /**
   * Returns {@code settings} if every key is known and in range.
   *
   * @throws IllegalArgumentException naming the key, the value and what is expected
   */
  public static JsonObject check(JsonObject settings) {
    options(settings);
    return settings;
  }

  /** The breaker options for {@code settings} (already {@link #check checked}, or checked now). */
  public static CircuitBreakerOptions options(JsonObject settings) {
    ConfigReader in = new ConfigReader("circuit breaker settings", settings, KEYS);
    long maxMs = ServiceOptions.MAX_DURATION_MS;
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(in.intBetween("maxFailures", DEFAULT_MAX_FAILURES, 1, 1_000_000))
        .setResetTimeout(in.longBetween("resetTimeout", DEFAULT_RESET_TIMEOUT_MS, 1, maxMs))
        .setFailuresRollingWindow(in.longBetween("failuresRollingWindow", DEFAULT_FAILURES_WINDOW_MS, 1, maxMs))
        .setTimeout(-1); // the attempt's own send timeout bounds it
    // Vert.x's breaker metrics cost a rolling histogram update per call and an event-bus publish per
    // breaker every 2 s; busmesh's own metrics and breaker events cover them. Opt back in through conf.
    options.setNotificationAddress(in.string("notificationAddress", null))
        .setNotificationLocalOnly(in.bool("notificationLocalOnly", CircuitBreakerOptions.DEFAULT_NOTIFICATION_LOCAL_ONLY))
        .setNotificationPeriod(in.longBetween("notificationPeriod", CircuitBreakerOptions.DEFAULT_NOTIFICATION_PERIOD, 1, maxMs))
        .setMetricsRollingWindow(in.longBetween("metricsRollingWindow", CircuitBreakerOptions.DEFAULT_METRICS_ROLLING_WINDOW, 1, maxMs))
        .setMetricsRollingBuckets(in.intBetween("metricsRollingBuckets", CircuitBreakerOptions.DEFAULT_METRICS_ROLLING_BUCKETS, 1, 1_000));
    return options;
  }
}
