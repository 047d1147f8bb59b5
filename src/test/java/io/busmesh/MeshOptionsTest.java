package io.busmesh;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    assertEquals("p2c", options.forService("billing").getStrategy());
    assertEquals(options.toJson(), new MeshOptions(options.toJson()).toJson());
  }

  @Test
  void aMisspeltKeyIsRejectedNamingTheKeysItAccepts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MeshOptions(new JsonObject().put("resyncIntervalMillis", 100)));

    assertEquals("Invalid mesh options: unknown key [resyncIntervalMillis]; the keys it accepts are "
        + "[resyncIntervalMs, drainTimeoutMs, shareInFlight, loadSharePeriodMs, metricsPeriodMs, metricsWindowMs, "
        + "defaults, services, security].", e.getMessage());
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
    assertEquals("Invalid mesh options 'services.calculator': 'callTimeoutMs' must be a positive integer, got -5.",
        assertThrows(IllegalArgumentException.class, () -> new MeshOptions(new JsonObject().put("services",
            new JsonObject().put("calculator", new JsonObject().put("callTimeoutMs", -5))))).getMessage());
    assertEquals("Invalid mesh options: 'drainTimeoutMs' must be an integer ≥ 0, got \"soon\".",
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
}
