package io.busmesh.test;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A busmesh node started as a user would: {@code java -jar target/busmesh.jar <verticle> -cluster -conf <json>},
 * or {@code java -cp <their classpath> io.busmesh.launcher.MeshLauncher <verticle> ...} for a user's own
 * project, on loopback, in the cluster named by the test. Output goes to a file that assertions and
 * failure messages read. {@link #close()} kills it if it is still running.
 */
public final class LauncherProcess implements AutoCloseable {

  private static final Path JAR = Path.of("target", "busmesh.jar");

  private final String name;
  private final Process process;
  private final Path output;

  private LauncherProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /** Starts a clustered node in {@code clusterName} running {@code verticle} with {@code conf}. */
  public static LauncherProcess start(String name, String clusterName, String verticle, JsonObject conf) throws IOException {
    return start(name, List.of("-Dbusmesh.cluster.name=" + clusterName),
        List.of(verticle, "-cluster", "-cluster-host", "127.0.0.1", "-conf", conf.encode()));
  }

  /** Starts {@code java <jvmArgs> -jar target/busmesh.jar <launcherArgs>}. */
  public static LauncherProcess start(String name, List<String> jvmArgs, List<String> launcherArgs) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: process tests run after 'mvn package' (use 'mvn verify')");
    }
    List<String> javaArgs = new ArrayList<>(jvmArgs);
    javaArgs.add("-jar");
    javaArgs.add(JAR.toString());
    javaArgs.addAll(launcherArgs);
    return java(name, javaArgs);
  }

  /**
   * Starts a clustered node of a user's project in {@code clusterName}: {@code java <jvmFlags> -cp <classpath>
   * io.busmesh.launcher.MeshLauncher <verticle> -cluster -cluster-host 127.0.0.1 -conf <conf>}.
   */
  public static LauncherProcess startFromClasspath(String name, String classpath, List<String> jvmFlags,
                                                   String clusterName, String verticle, JsonObject conf) throws IOException {
    List<String> javaArgs = new ArrayList<>(jvmFlags);
    javaArgs.addAll(List.of("-Dbusmesh.cluster.name=" + clusterName, "-cp", classpath, "io.busmesh.launcher.MeshLauncher",
        verticle, "-cluster", "-cluster-host", "127.0.0.1", "-conf", conf.encode()));
    return java(name, javaArgs);
  }

  private static LauncherProcess java(String name, List<String> javaArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.addAll(javaArgs);
    Path output = Files.createTempFile("busmesh-" + name + "-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    return new LauncherProcess(name, process, output);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  /** The last line of output that is a JSON object, such as a client's summary. */
  public Optional<JsonObject> lastJsonLine() {
    String[] lines = output().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].trim();
      if (line.startsWith("{") && line.endsWith("}")) {
        return Optional.of(new JsonObject(line));
      }
    }
    return Optional.empty();
  }

  /** Waits until the process prints {@code text}; fails with its output if it exits or the time runs out. */
  public void awaitOutput(String text, Duration timeout) throws InterruptedException {
    Await.until(name + " prints '" + text + "'; its output so far:\n" + output(), timeout,
        () -> {
          if (!process.isAlive() && !output().contains(text)) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '" + text + "':\n" + output());
          }
          return output().contains(text);
        });
  }

  /** Waits for the process to end by itself; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s; output:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGKILL: the node dies at once, with no chance to leave the cluster cleanly. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Sends a POSIX signal such as {@code STOP}, {@code CONT} or {@code TERM}. */
  public void signal(String signal) throws IOException, InterruptedException {
    int code = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .redirectErrorStream(true).redirectOutput(new File("/dev/null")).start().waitFor();
    if (code != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed with " + code);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
