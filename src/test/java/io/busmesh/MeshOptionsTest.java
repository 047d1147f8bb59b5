package io.busmesh;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeshOptionsTest {

  @Test
  void readsServiceOptionsOverTheDefaults() {
    MeshOptions options = new MeshOptions(new JsonObject()
        .put("drainTimeoutMs", 2_000)
        .put("defaults", new JsonObject().put("callTimeoutMs", 3_000))
        .put("services", new JsonObject().put("calculator", new JsonObject().put("strategy", "random"))));

    assertEquals(2_000, options.getDrainTimeoutMs());
    assertEquals("random", options.forService("calculator").getStrategy());
    assertEquals(3_000, options.forService("calculator").getCallTimeoutMs());
    assertEquals("adaptive", options.forService("billing").getStrategy());
    assertEquals(options.toJson(), new MeshOptions(options.toJson()).toJson());
  }

  @Test
  void aMisspeltKeyIsRejectedNamingTheKeysItAccepts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MeshOptions(new JsonObject().put("resyncIntervalMillis", 100)));

    assertEquals("Invalid mesh options: unknown key [resyncIntervalMillis]; the keys it accepts are "
        + "[resyncIntervalMs, drainTimeoutMs, shareInFlight, loadSharePeriodMs, metricsPeriodMs, metricsWindowMs, "
        + "coalesceFlushes, defaults, services, security, metrics, health, dashboard].", e.getMessage());
  }

  @Test
  void flushCoalescingIsOnUnlessTurnedOff() {
    assertTrue(new MeshOptions(new JsonObject()).isCoalesceFlushes());
    MeshOptions off = new MeshOptions(new JsonObject().put("coalesceFlushes", false));

    assertFalse(off.isCoalesceFlushes());
    assertEquals(off.toJson(), new MeshOptions(off.toJson()).toJson());
    assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("coalesceFlushes", "no")));
  }

  @Test
  void twoEndpointsOnOnePortAreRejectedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject()
        .put("health", new JsonObject().put("port", 9465))
        .put("dashboard", new JsonObject().put("port", 9465))));

    assertEquals("Invalid mesh options: 'health.port' and 'dashboard.port' are both 9465; give them different ports.",
        e.getMessage());
    MeshOptions distinct = new MeshOptions(new JsonObject().put("health", new JsonObject().put("port", 9465))
        .put("dashboard", new JsonObject().put("port", 9466).put("maxViewers", 2)));
    assertEquals(2, distinct.getDashboard().getMaxViewers());
    assertEquals(distinct.toJson(), new MeshOptions(distinct.toJson()).toJson());
  }

  @Test
  void anUnknownStrategyIsRejectedListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject()
        .put("services", new JsonObject().put("calculator", new JsonObject().put("strategy", "fastest")))));

    assertEquals("Invalid mesh options 'services.calculator': Unknown balancing strategy 'fastest'; use one of "
        + "[adaptive, consistent-hash, first-replica, least-in-flight, p2c, peak-ewma, random, round-robin, weighted], "
        + "or register yours (see io.busmesh.strategy.StrategyFactory)", e.getMessage());
  }

  @Test
  void strategySettingsAreReadCheckedAndWrittenBack() {
    MeshOptions options = new MeshOptions(new JsonObject()
        .put("defaults", new JsonObject().put("strategy", "adaptive")
            .put("strategyOptions", new JsonObject().put("latencyFloorMicros", 500)))
        .put("services", new JsonObject()
            .put("carts", new JsonObject().put("strategy", "consistent-hash")
                .put("strategyOptions", new JsonObject().put("hashKey", "arg:cartId")))
            .put("billing", new JsonObject().put("strategy", "least-in-flight"))
            .put("search", new JsonObject().put("callTimeoutMs", 500))));

    assertEquals(new JsonObject().put("hashKey", "arg:cartId"), options.forService("carts").getStrategyOptions());
    assertEquals(new JsonObject(), options.forService("billing").getStrategyOptions());
    assertEquals("adaptive", options.forService("search").getStrategy());
    assertEquals(new JsonObject().put("latencyFloorMicros", 500), options.forService("search").getStrategyOptions());
    assertEquals(options.toJson(), new MeshOptions(options.toJson()).toJson());
    assertEquals("Invalid settings of strategy 'consistent-hash': 'hashKey' must be \"header:NAME\" (a message header) "
            + "or \"arg:NAME\" (a field of the call's JSON body, i.e. a service method argument), got \"cartId\".",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("services",
            new JsonObject().put("carts", new JsonObject().put("strategy", "consistent-hash")
                .put("strategyOptions", new JsonObject().put("hashKey", "cartId")))))).getMessage());
  }

  @Test
  void aWrongTypeOrRangeNamesTheKeyAndTheValue() {
    assertEquals("Invalid mesh options 'services.calculator': 'callTimeoutMs' must be an integer between 1 and 3600000, got -5.",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("services",
            new JsonObject().put("calculator", new JsonObject().put("callTimeoutMs", -5))))).getMessage());
    assertEquals("Invalid mesh options: 'drainTimeoutMs' must be an integer between 0 and 3600000, got \"soon\".",
        assertThrows(IllegalArgumentException.class,
            () -> new MeshOptions(new JsonObject().put("drainTimeoutMs", "soon"))).getMessage());
  }

  @Test
  void configReaderChecksFractionsAndBooleans() {
    ConfigReader conf = new ConfigReader("conf of X", new JsonObject().put("failRate", 1.5).put("exitWhenDone", "yes"),
        "failRate", "exitWhenDone");

    assertEquals("Invalid conf of X: 'failRate' must be a number between 0.0 and 1.0, got 1.5.",
        assertThrows(IllegalArgumentException.class, () -> conf.fraction("failRate", 0)).getMessage());
    assertEquals("Invalid conf of X: 'exitWhenDone' must be true or false, got \"yes\".",
        assertThrows(IllegalArgumentException.class, () -> conf.bool("exitWhenDone", true)).getMessage());
  }

  @Test
  void hugeTimeoutsAreRefusedRatherThanOverflowingEveryDeadline() {
    for (Object huge : new Object[] {Long.MAX_VALUE, 1e300, 3_600_001, Double.NaN}) {
      assertEquals("Invalid mesh options 'defaults': 'callTimeoutMs' must be an integer between 1 and 3600000, got " + huge + ".",
          assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
              new JsonObject().put("callTimeoutMs", huge)))).getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new ServiceOptions().setCallTimeoutMs(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new ServiceOptions().setAttemptTimeoutMs(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new MeshOptions().setResyncIntervalMs(1));
  }

  @Test
  void ratiosAndCountsAreRangeChecked() {
    assertEquals("Invalid mesh options 'defaults': 'retryBudgetRatio' must be a number between 0.0 and 1.0, got 5.",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
            new JsonObject().put("retryBudgetRatio", 5)))).getMessage());
    assertEquals("Invalid mesh options 'defaults': 'maxAttempts' must be an integer between 1 and 10, got 1000.",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
            new JsonObject().put("maxAttempts", 1000)))).getMessage());
    assertEquals("Invalid mesh options 'defaults': 'maxInFlight' must be an integer between 1 and 1000000, got 0.",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
            new JsonObject().put("maxInFlight", 0)))).getMessage());
    assertEquals(250, new MeshOptions(new JsonObject().put("defaults", new JsonObject().put("maxInFlight", 250)))
        .forService("any").getMaxInFlight());
  }

  @Test
  void breakerSettingsAreReadAsStrictlyAsBusmeshKeys() {
    assertEquals("Invalid mesh options 'defaults': Invalid circuit breaker settings: 'maxFailures' must be an integer"
            + " between 1 and 1000000, got \"five\".",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
            new JsonObject().put("breaker", new JsonObject().put("maxFailures", "five"))))).getMessage());
    String typo = assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("defaults",
        new JsonObject().put("breaker", new JsonObject().put("maxFailurez", 3))))).getMessage();
    assertTrue(typo.startsWith("Invalid mesh options 'defaults': Invalid circuit breaker settings: unknown key [maxFailurez];"), typo);
    assertThrows(IllegalArgumentException.class, () -> new ServiceOptions().setBreaker(new JsonObject().put("timeout", 100)));
    assertEquals(3, new ServiceOptions().setBreaker(new JsonObject().put("maxFailures", 3)).getBreaker().getInteger("maxFailures"));
  }
}
