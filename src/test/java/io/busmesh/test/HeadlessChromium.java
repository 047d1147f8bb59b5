package io.busmesh.test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium} package) driven over the Chrome DevTools
 * Protocol on 127.0.0.1: open a page, evaluate JavaScript in it, take a screenshot. The protocol is
 * JSON over one WebSocket, spoken here with the JDK's own client; Selenium would add chromedriver and
 * a second OpenTelemetry to the test classpath for the same three commands. The browser, its child
 * processes and its profile directory are gone after {@link #close()}.
 */
public final class HeadlessChromium implements AutoCloseable {

  /** Set to the browser's path to use another one than the first of {@link #BINARIES} on the PATH. */
  public static final String BINARY_VARIABLE = "BUSMESH_CHROMIUM";
  private static final List<String> BINARIES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final Map<Integer, CompletableFuture<JsonObject>> pending;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, Path profile, Map<Integer, CompletableFuture<JsonObject>> pending,
                           WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.pending = pending;
    this.socket = socket;
  }

  /**
   * Starts the browser with a blank page of {@code width} × {@code height} CSS pixels.
   *
   * @throws IllegalStateException naming what to install when no Chromium is found
   */
  public static HeadlessChromium start(int width, int height) throws Exception {
    String binary = binary();
    Path profile = Files.createTempDirectory("busmesh-chromium-");
    Process process = new ProcessBuilder(binary, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(START_TIMEOUT)
          .buildAsync(URI.create(pageSocket(devToolsPort(profile, process))), new Replies(pending))
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      HeadlessChromium browser = new HeadlessChromium(process, profile, pending, socket);
      browser.command("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
          .put("deviceScaleFactor", 1).put("mobile", false));
      return browser;
    } catch (Exception e) {
      stop(process, profile);
      throw e;
    }
  }

  private static String binary() {
    String configured = System.getenv(BINARY_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return BINARIES.stream()
        .flatMap(name -> Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No Chromium found on the PATH (looked for " + BINARIES + "):"
            + " the dashboard's browser test needs one. Install Debian's package (apt-get install chromium; .ci/run"
            + " does), or set " + BINARY_VARIABLE + " to a Chromium or Chrome binary."));
  }

  /** Chromium writes the port it chose into its profile directory once it listens. */
  private static int devToolsPort(Path profile, Process process) throws Exception {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Chromium exited with code " + process.exitValue() + " at start: "
            + Files.readString(profile.resolve("chromium.log")));
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("Chromium did not open its DevTools port within " + START_TIMEOUT.toSeconds()
        + " s: " + Files.readString(profile.resolve("chromium.log")));
  }

  /** The DevTools WebSocket of the browser's one page. */
  private static String pageSocket(int port) throws IOException, InterruptedException {
    HttpResponse<String> targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(COMMAND_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonArray list = new JsonArray(targets.body());
    for (int i = 0; i < list.size(); i++) {
      JsonObject target = list.getJsonObject(i);
      if ("page".equals(target.getString("type"))) {
        return target.getString("webSocketDebuggerUrl");
      }
    }
    throw new IllegalStateException("Chromium has no page target: " + targets.body());
  }

  /** Navigates to {@code url} and waits until the page has loaded (its scripts ran). */
  public void open(String url) throws Exception {
    command("Page.enable", new JsonObject());
    JsonObject navigated = command("Page.navigate", new JsonObject().put("url", url));
    if (navigated.containsKey("errorText")) {
      throw new IllegalStateException("Chromium could not open " + url + ": " + navigated.getString("errorText"));
    }
    Await.until("the page " + url + " has loaded", COMMAND_TIMEOUT,
        () -> "complete".equals(evaluate("document.readyState")));
  }

  /**
   * The value of a JavaScript expression in the page (JSON values only: strings, numbers, booleans,
   * arrays, objects, null).
   *
   * @throws IllegalStateException with the page's error if the expression threw
   */
  public Object evaluate(String expression) {
    JsonObject result = command("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException("The page threw on " + expression + ": " + result.getJsonObject("exceptionDetails"));
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** Saves a PNG of the whole page (beyond the window when it is taller). */
  public void screenshot(Path file) throws IOException {
    JsonObject shot = command("Page.captureScreenshot", new JsonObject().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
  }

  /** Sends one DevTools command and waits for its result. */
  private JsonObject command(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
          .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      JsonObject answer = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (answer.containsKey("error")) {
        throw new IllegalStateException("Chromium refused " + method + ": " + answer.getJsonObject("error"));
      }
      return answer.getJsonObject("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while Chromium ran " + method, e);
    } catch (Exception e) {
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException("Chromium did not answer " + method
          + " within " + COMMAND_TIMEOUT.toSeconds() + " s", e);
    } finally {
      pending.remove(id);
    }
  }

  @Override
  public void close() {
    socket.abort();
    stop(process, profile);
  }

  private static void stop(Process process, Path profile) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is not worth failing a test for.
    }
  }

  /** Completes each command's future with its answer; messages may come in several parts. */
  private static final class Replies implements WebSocket.Listener {

    private final Map<Integer, CompletableFuture<JsonObject>> pending;
    private final StringBuilder message = new StringBuilder();

    Replies(Map<Integer, CompletableFuture<JsonObject>> pending) {
      this.pending = pending;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        JsonObject json = new JsonObject(message.toString());
        message.setLength(0);
        CompletableFuture<JsonObject> reply = json.containsKey("id") ? pending.get(json.getInteger("id")) : null;
        if (reply != null) {
          reply.complete(json); // events (no id) are not needed
        }
      }
      socket.request(1);
      return null;
    }
  }
}
