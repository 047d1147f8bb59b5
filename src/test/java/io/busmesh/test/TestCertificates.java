package io.busmesh.test;

import io.busmesh.SecurityOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A CA of its own and node certificates signed by it, made at test time with {@code bin/dev-ca.sh}
 * (as a user would) in a fresh directory under {@code target/tls}.
 */
public final class TestCertificates {

  private static final Path SCRIPT = Path.of("bin", "dev-ca.sh");

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes a new CA named after {@code label} and one certificate per node name. */
  public static TestCertificates make(String label, String... nodes) throws IOException, InterruptedException {
    Path dir = Path.of("target", "tls", label + "-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(nodes));
    Path log = Files.createTempFile("busmesh-dev-ca-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/dev-ca.sh did not finish within 60 s: " + Files.readString(log));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("bin/dev-ca.sh failed with " + process.exitValue() + ": " + Files.readString(log));
    }
    return new TestCertificates(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path key(String node) {
    return dir.resolve(node + ".key");
  }

  public Path certificate(String node) {
    return dir.resolve(node + ".crt");
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  /** {@code node}'s key and certificate with this CA, as conf would give them. */
  public JsonObject securityJson(String node) {
    return new JsonObject().put("keyPath", key(node).toString()).put("certPath", certificate(node).toString())
        .put("caPath", ca().toString());
  }

  public SecurityOptions security(String node) {
    return new SecurityOptions(securityJson(node));
  }
}
