package io.busmesh.launcher;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.MeshImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Set;
import java.util.TreeSet;

/**
 * A hint for a node that the busmesh launcher started but that never joined the mesh: there, a
 * generated proxy of a mesh service fails with a bare {@code No handlers for address ...}, because
 * only a joined node answers on service names. Checked once, a while after deployment (verticles may
 * join asynchronously), with one registry read; said only when the cluster has mesh services.
 */
final class NotJoinedHint {

  static final long DELAY_MS = 10_000;
  private static final int SERVICES_NAMED = 10;
  private static final Logger log = LoggerFactory.getLogger(NotJoinedHint.class);

  private NotJoinedHint() {
  }

  static void scheduleCheck(Vertx vertx) {
    if (vertx.isClustered()) {
      vertx.setTimer(DELAY_MS, id -> check(vertx));
    }
  }

  /** Completes with true when it logged the hint: the node has not joined, and the cluster has mesh services. */
  static Future<Boolean> check(Vertx vertx) {
    if (MeshImpl.isJoined(vertx)) {
      return Future.succeededFuture(false);
    }
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MeshProtocol.REGISTRY_MAP)
        .compose(AsyncMap::values)
        .map(entries -> {
          Set<String> services = new TreeSet<>();
          entries.forEach(e -> {
            if (e != null && e.getValue("service") instanceof String service && services.size() < SERVICES_NAMED) {
              services.add(service);
            }
          });
          if (services.isEmpty() || MeshImpl.isJoined(vertx)) {
            return false;
          }
          log.warn("This node has not joined the busmesh mesh, but the cluster has mesh services " + services
              + ": here, their generated proxies fail with 'No handlers for address ...'. Call Mesh.join(vertx)"
              + " in your verticle before calling them, or deploy io.busmesh.launcher.MeshNodeVerticle beside it.");
          return true;
        });
  }

}
