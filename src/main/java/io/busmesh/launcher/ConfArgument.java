package io.busmesh.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks the launcher's {@code -conf} argument before anything starts. The Vert.x launcher only
 * logs a warning for a missing file or bad JSON and deploys with an empty config, which silently
 * runs the wrong thing; busmesh refuses to start instead and says why.
 */
final class ConfArgument {

  private ConfArgument() {
  }

  /** The problem with the {@code -conf} value among {@code args}, if there is one. */
  static Optional<String> problem(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String lower = arg.toLowerCase();
      if (lower.equals("-conf") || lower.equals("--conf")) {
        if (i + 1 >= args.length) {
          return Optional.of("-conf needs a value: a JSON file such as conf/calculator.json, or a JSON object");
        }
        return check(args[i + 1]);
      }
      if (lower.startsWith("-conf=") || lower.startsWith("--conf=")) {
        return check(arg.substring(arg.indexOf('=') + 1));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> check(String value) {
    String trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      return parse(trimmed, "the -conf JSON string");
    }
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      return Optional.of("-conf '" + value + "' is neither a file path nor a JSON object");
    }
    if (!Files.isRegularFile(path)) {
      return Optional.of("-conf file '" + value + "' does not exist (working directory: "
          + Path.of("").toAbsolutePath() + "); give an existing JSON file or an inline JSON object");
    }
    try {
      return parse(Files.readString(path), "-conf file '" + value + "'");
    } catch (IOException e) {
      return Optional.of("-conf file '" + value + "' cannot be read: " + e.getMessage());
    }
  }

  private static Optional<String> parse(String json, String what) {
    try {
      new JsonObject(json);
      return Optional.empty();
    } catch (DecodeException e) {
      return Optional.of(what + " is not a valid JSON object: " + e.getMessage());
    }
  }
}
