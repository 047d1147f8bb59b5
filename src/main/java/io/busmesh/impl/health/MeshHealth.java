package io.busmesh.impl.health;

import io.busmesh.HealthOptions;
import io.busmesh.impl.HttpEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A node's liveness and readiness, as {@code vertx-health-check} procedures served over HTTP
 * ({@link HealthOptions}). Live: the node answers, which needs a free event loop. Ready, all of:
 * <ul>
 *   <li>{@code cluster}: the cluster manager is active (this node is a member);</li>
 *   <li>{@code view}: the view of replicas was rebuilt from the whole registry recently (within three
 *   resync periods), so this node routes on what the cluster says;</li>
 *   <li>{@code replicas}: how many replicas this node publishes and serves (always up: a pure caller is ready);</li>
 *   <li>{@code draining}: down from the moment the mesh starts closing, while its replicas finish their
 *   calls, so that a rolling update stops sending traffic here before the process ends.</li>
 * </ul>
 */
public final class MeshHealth {

  private static final long CHECK_TIMEOUT_MS = 2_000;

  private final HealthChecks live;
  private final HealthChecks ready;

  /**
   * @param clusterActive    whether the cluster manager is active
   * @param viewSyncedAt     when the view was last rebuilt from the registry ({@link System#nanoTime()}), -1 before
   * @param maxViewAgeMs     oldest a rebuilt view may be for the node to be ready
   * @param published        replicas this node publishes
   * @param draining         whether the mesh is closing
   */
  public MeshHealth(Vertx vertx, BooleanSupplier clusterActive, LongSupplier viewSyncedAt, long maxViewAgeMs,
                    IntSupplier published, BooleanSupplier draining) {
    live = HealthChecks.create(vertx).register("eventLoop", CHECK_TIMEOUT_MS, p -> p.complete(Status.OK()));
    ready = HealthChecks.create(vertx)
        .register("cluster", CHECK_TIMEOUT_MS, p -> p.complete(clusterActive.getAsBoolean() ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "the cluster manager is not active: this node is not a member"))))
        .register("view", CHECK_TIMEOUT_MS, p -> {
          long syncedAt = viewSyncedAt.getAsLong();
          long ageMs = syncedAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - syncedAt);
          JsonObject data = new JsonObject().put("syncedMsAgo", ageMs);
          p.complete(syncedAt >= 0 && ageMs <= maxViewAgeMs ? Status.OK(data)
              : Status.KO(data.put("reason", syncedAt < 0 ? "the registry was not read yet"
                  : "the registry was last read " + ageMs + " ms ago, over " + maxViewAgeMs + " ms")));
        })
        .register("replicas", CHECK_TIMEOUT_MS, p -> p.complete(Status.OK(new JsonObject().put("published", published.getAsInt()))))
        .register("draining", CHECK_TIMEOUT_MS, p -> p.complete(draining.getAsBoolean()
            ? Status.KO(new JsonObject().put("reason", "the mesh is closing: its replicas finish their calls and take no new ones"))
            : Status.OK()));
  }

  /** Serves {@link HealthOptions#LIVE_PATH} and {@link HealthOptions#READY_PATH}; fails with what to change if the address is taken. */
  public Future<HttpServer> listen(Vertx vertx, HealthOptions options) {
    return HttpEndpoint.listen(vertx, this::answer, options.getHost(), options.getPort(), "health checks",
        "mesh.health.port");
  }

  private void answer(HttpServerRequest request) {
    HealthChecks checks = switch (request.path()) {
      case HealthOptions.LIVE_PATH -> live;
      case HealthOptions.READY_PATH -> ready;
      default -> null;
    };
    if (checks == null) {
      request.response().setStatusCode(404).end("Not found: " + HealthOptions.LIVE_PATH + " and "
          + HealthOptions.READY_PATH + " are served here\n");
      return;
    }
    checks.checkStatus().onComplete(ar -> {
      CheckResult result = ar.succeeded() ? ar.result() : CheckResult.from("health", ar.cause());
      boolean up = ar.succeeded() && CheckResult.isUp(result);
      request.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(result.toJson().encode());
    });
  }
}
