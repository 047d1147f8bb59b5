package io.busmesh.launcher;

import io.busmesh.SecurityOptions;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The {@code mesh.security} object of the verticle's {@code -conf}, which the launcher must apply to
 * the event bus before Vert.x starts: the verticle that reads the rest of {@code mesh} runs too late
 * for that. The verticle still reads all of {@code mesh} itself, {@code security} included.
 */
final class ConfSecurity {

  private ConfSecurity() {
  }

  /**
   * The security options in {@code conf}, if it has any.
   *
   * @throws IllegalArgumentException with a sentence naming the bad key or file
   */
  static Optional<SecurityOptions> read(JsonObject conf) {
    // A "mesh" that is not an object is the verticle's to refuse, with its own sentence.
    if (conf == null || !(conf.getValue("mesh") instanceof JsonObject mesh) || mesh.getValue("security") == null) {
      return Optional.empty();
    }
    if (!(mesh.getValue("security") instanceof JsonObject security)) {
      throw new IllegalArgumentException("Invalid -conf: 'mesh.security' must be a JSON object, got "
          + mesh.getValue("security") + ".");
    }
    return Optional.of(new SecurityOptions(security));
  }
}
