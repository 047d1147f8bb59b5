package io.busmesh;

import io.busmesh.examples.calculator.Calculator;
import io.busmesh.test.Await;
import io.busmesh.test.HeadlessChromium;
import io.busmesh.test.LoopbackHttp;
import io.busmesh.test.TestCluster;
import io.busmesh.test.TunableCalculator;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live dashboard as a person sees it: a two-node cluster under load, the page open in headless
 * Chromium, then one replica made to fail. Screenshots go to {@code target/dashboard/}.
 */
class DashboardBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target", "dashboard");
  /** The load: a few calls every 10 ms from the caller's event loop, bounded in count and time. */
  private static final int CALLS_PER_TICK = 3;
  private static final int MAX_CALLS = 60_000;
  private static final long MAX_LOAD_MS = 120_000;
  /**
   * {@code -Dbusmesh.dashboard.screenshotHoldMs=30000} lets the charts fill for that long before each
   * screenshot (how the README's were taken); 0, the default, asserts and shoots at once.
   */
  private static final long SCREENSHOT_HOLD_MS = Long.getLong("busmesh.dashboard.screenshotHoldMs", 0);

  private final TestCluster cluster = new TestCluster();
  private long loadTimer = -1;
  private Vertx callerNode;

  @AfterEach
  void stop() throws Exception {
    if (loadTimer >= 0) {
      callerNode.cancelTimer(loadTimer);
    }
    cluster.close();
  }

  @Test
  void thePageShowsTheServiceItsReplicasMovingChartsAndABreakerThatOpened() throws Exception {
    Vertx server = cluster.addNode();
    Mesh serverMesh = Mesh.join(server, new MeshOptions()).await(30, TimeUnit.SECONDS);
    TunableCalculator failing = new TunableCalculator(server, 0);
    List<TunableCalculator> replicas = List.of(new TunableCalculator(server, 0), failing, new TunableCalculator(server, 0));
    String failingAddress = null;
    for (TunableCalculator replica : replicas) {
      String address = serverMesh.publish("calculator", Calculator.class, replica).await(20, TimeUnit.SECONDS)
          .replica().address();
      failingAddress = replica == failing ? address : failingAddress;
    }
    int port = LoopbackHttp.freePort();
    callerNode = cluster.addNode();
    Mesh caller = Mesh.join(callerNode, new MeshOptions()
        .setDashboard(new DashboardOptions().setPort(port))
        // Round robin keeps calling the failing replica until its breaker opens (adaptive would avoid it).
        .setService("calculator", new ServiceOptions().setCallTimeoutMs(300).setStrategy("round-robin")))
        .await(30, TimeUnit.SECONDS);
    caller.awaitReplicas("calculator", 3, 15_000).await(20, TimeUnit.SECONDS);
    startLoad();

    try (HeadlessChromium browser = HeadlessChromium.start(1400, 1100)) {
      browser.open("http://127.0.0.1:" + port + "/");
      try {
        watch(browser, caller.nodeId(), failing, failingAddress);
      } catch (AssertionError | RuntimeException e) {
        browser.screenshot(SCREENSHOTS.resolve("failed.png"));
        throw new AssertionError(e.getMessage() + "; the page said: " + browser.evaluate("document.body.innerText")
            + " (screenshot in " + SCREENSHOTS.resolve("failed.png") + ")", e);
      }
    }
    assertTrue(Files.size(SCREENSHOTS.resolve("healthy.png")) > 10_000, "a real screenshot, not an empty page");
    assertTrue(Files.size(SCREENSHOTS.resolve("breaker-open.png")) > 10_000, "a real screenshot, not an empty page");
  }

  private void watch(HeadlessChromium browser, String nodeId, TunableCalculator failing, String failingAddress)
      throws Exception {
      Await.until("the page lists service calculator with its 3 replicas", Duration.ofSeconds(20),
          () -> ((Number) browser.evaluate(rows() + ".length")).intValue() == 3);
      assertEquals("live", browser.evaluate("document.getElementById('status').textContent"));
      assertEquals(nodeId, browser.evaluate("document.getElementById('node').textContent"));

      JsonObject first = attempts(browser);
      Await.until("every replica's attempt count moves on the page (first read " + first + ")", Duration.ofSeconds(10),
          () -> {
            JsonObject now = attempts(browser);
            return first.fieldNames().stream().allMatch(a -> now.getLong(a, 0L) > first.getLong(a));
          });
      Await.until("both charts draw their first series", Duration.ofSeconds(10),
          () -> seriesPixels(browser, "throughput") > 50 && seriesPixels(browser, "latency") > 50);
      assertEquals(List.of("CLOSED", "CLOSED", "CLOSED"), breakers(browser));
      assertEquals(3, ((Number) browser.evaluate("document.querySelectorAll('#events li[data-kind=REPLICA_JOINED]')"
          + ".length")).intValue(),
          "each replica's arrival listed once");
      Thread.sleep(SCREENSHOT_HOLD_MS);
      browser.screenshot(SCREENSHOTS.resolve("healthy.png"));

      failing.setDelayMs(2_000); // its calls now time out: its breaker opens after five in a row
      String open = failingAddress;
      Await.until("the page shows the failing replica's breaker open", Duration.ofSeconds(30),
          () -> "OPEN".equals(browser.evaluate(rows() + ".find(r => r.dataset.replica === '" + open
              + "')?.dataset.breaker")));
      Await.until("the events list says the breaker opened", Duration.ofSeconds(5),
          () -> (Boolean) browser.evaluate("[...document.querySelectorAll('#events li[data-kind=BREAKER_OPEN]')]"
              + ".some(e => e.textContent.includes('" + open + "') && e.textContent.includes('opened'))"));
      assertEquals(2L, breakers(browser).stream().filter("CLOSED"::equals).count(), "the other two stay closed");
      if (SCREENSHOT_HOLD_MS > 0) { // the breaker half-opens to probe meanwhile: shoot once it is open again
        Thread.sleep(SCREENSHOT_HOLD_MS / 3);
        Await.until("the breaker is open again after its probe failed", Duration.ofSeconds(30),
            () -> "OPEN".equals(browser.evaluate(rows() + ".find(r => r.dataset.replica === '" + open
                + "')?.dataset.breaker")));
      }
      browser.screenshot(SCREENSHOTS.resolve("breaker-open.png"));
  }

  /** Calls the calculator from a timer on the caller node's event loop until the test ends or the bound is hit. */
  private void startLoad() {
    Calculator calculator = new ServiceProxyBuilder(callerNode).setAddress("calculator")
        .setOptions(new DeliveryOptions().setSendTimeout(5_000)).build(Calculator.class);
    AtomicInteger sent = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_LOAD_MS);
    loadTimer = callerNode.setPeriodic(10, id -> {
      if (sent.get() >= MAX_CALLS || System.nanoTime() > deadline) {
        callerNode.cancelTimer(id);
        return;
      }
      for (int i = 0; i < CALLS_PER_TICK; i++) {
        calculator.add(sent.incrementAndGet(), 1);
      }
    });
  }

  private static String rows() {
    return "[...document.querySelectorAll('[data-service=calculator] table.replicas tbody tr')]";
  }

  private static JsonObject attempts(HeadlessChromium browser) {
    return new JsonObject((String) browser.evaluate("JSON.stringify(Object.fromEntries(" + rows()
        + ".map(r => [r.dataset.replica, Number(r.querySelector('[data-field=attempts]').textContent)])))"));
  }

  @SuppressWarnings("unchecked")
  private static List<String> breakers(HeadlessChromium browser) {
    return new io.vertx.core.json.JsonArray((String) browser.evaluate("JSON.stringify(" + rows()
        + ".map(r => r.dataset.breaker))")).getList();
  }

  /** Pixels of the chart's first series' colour (#3758f9) on its canvas: a line was drawn, not only the axes. */
  private static int seriesPixels(HeadlessChromium browser, String chart) {
    return ((Number) browser.evaluate("(() => { const c = document.querySelector('[data-service=calculator] ."
        + chart + " canvas'); if (!c) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + " let n = 0; for (let i = 0; i < d.length; i += 4) { if (Math.abs(d[i] - 55) < 30 && Math.abs(d[i + 1] - 88)"
        + " < 30 && Math.abs(d[i + 2] - 249) < 30 && d[i + 3] > 200) n++; } return n; })()")).intValue();
  }
}
