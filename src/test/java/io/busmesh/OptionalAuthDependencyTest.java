package io.busmesh;

import io.busmesh.test.PublishAndCall;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vertx-auth-common is an optional dependency: a user's project does not get it, so busmesh must
 * publish and call without it whenever no replica asks for authentication.
 */
class OptionalAuthDependencyTest {

  @Test
  void aReplicaPublishedWithoutAuthenticationServesCallsWithoutVertxAuthOnTheClasspath() throws Exception {
    List<URL> withoutAuth = new ArrayList<>();
    int removed = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (new File(entry).getName().startsWith("vertx-auth-")) {
        removed++;
      } else {
        withoutAuth.add(new File(entry).toURI().toURL());
      }
    }
    assertTrue(removed > 0, "the test classpath should hold vertx-auth-common: " + System.getProperty("java.class.path"));

    // Every class from the reduced classpath, none from this test's loader.
    try (URLClassLoader loader = new URLClassLoader(withoutAuth.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.vertx.ext.auth.User"));
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader); // Vert.x finds its service providers, and its contexts their loader, here
      try {
        assertEquals(1, loader.loadClass(PublishAndCall.class.getName()).getMethod("run").invoke(null));
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
  }
}
