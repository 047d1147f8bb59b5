package io.busmesh.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates for tests and benchmarks, made as a user makes them: with bin/dev-ca.sh, and with
 * openssl for the odd ones (another key type, an intermediate CA). Needs openssl on the PATH.
 */
public final class DevCertificates {

  private DevCertificates() {
  }

  /** Runs {@code bin/dev-ca.sh dir names...}: a CA in dir (made if dir has none) and a key and certificate per name. */
  public static Path make(Path dir, String... names) {
    List<String> command = new ArrayList<>(List.of("bash", Path.of("bin", "dev-ca.sh").toAbsolutePath().toString(), dir.toString()));
    command.addAll(List.of(names));
    run(Path.of(""), command);
    return dir;
  }

  /** Runs openssl with args in dir. */
  public static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    run(dir, command);
  }

  /** Deletes dir and everything in it, if it exists. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + dir, e);
    }
  }

  private static void run(Path dir, List<String> command) {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed in " + dir.toAbsolutePath() + ":\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + " (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }
}
