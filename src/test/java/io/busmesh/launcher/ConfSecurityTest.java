package io.busmesh.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfSecurityTest {

  @Test
  void aConfWithoutMeshSecurityHasNone() {
    assertTrue(ConfSecurity.read(null).isEmpty());
    assertTrue(ConfSecurity.read(new JsonObject()).isEmpty());
    assertTrue(ConfSecurity.read(new JsonObject().put("mesh", new JsonObject().put("drainTimeoutMs", 5))).isEmpty());
    assertTrue(ConfSecurity.read(new JsonObject().put("mesh", "not an object, which the verticle refuses")).isEmpty());
  }

  @Test
  void meshSecurityIsReadAndChecked() {
    assertTrue(ConfSecurity.read(new JsonObject().put("mesh", new JsonObject().put("security", new JsonObject())))
        .orElseThrow().getCertPath() == null);
    String missing = assertThrows(IllegalArgumentException.class, () -> ConfSecurity.read(new JsonObject().put("mesh",
        new JsonObject().put("security", new JsonObject().put("keyPath", "nowhere.key").put("certPath", "nowhere.crt")
            .put("caPath", "nowhere-ca.crt"))))).getMessage();
    assertTrue(missing.startsWith("Invalid mesh options 'security': cannot read the file 'nowhere.key'"), missing);
  }

  @Test
  void aSecurityThatIsNotAnObjectIsRefused() {
    String message = assertThrows(IllegalArgumentException.class,
        () -> ConfSecurity.read(new JsonObject().put("mesh", new JsonObject().put("security", "certs/")))).getMessage();
    assertEquals("Invalid -conf: 'mesh.security' must be a JSON object, got certs/.", message);
  }
}
