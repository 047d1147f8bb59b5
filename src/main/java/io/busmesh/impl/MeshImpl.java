package io.busmesh.impl;

import io.busmesh.DashboardOptions;
import io.busmesh.EventBusTls;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.MeshProtocol;
import io.busmesh.Publication;
import io.busmesh.PublishOptions;
import io.busmesh.Replica;
import io.busmesh.ReplicaStats;
import io.busmesh.ServiceMetrics;
import io.busmesh.impl.balance.BalancerVerticle;
import io.busmesh.impl.dashboard.DashboardServer;
import io.busmesh.impl.health.MeshHealth;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.registry.ReplicaRegistry;
import io.busmesh.impl.replica.IdempotentMethods;
import io.busmesh.impl.replica.ReplicaEndpoint;
import io.busmesh.impl.replica.ServedReplicas;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.RecordSigner;
import io.vertx.core.Closeable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The mesh of one Vert.x instance: its registry client, its balancer and its publications. */
public final class MeshImpl implements Mesh {

  private static final Logger log = LoggerFactory.getLogger(MeshImpl.class);
  private static final String LOCAL_MAP = "busmesh";
  private static final long AWAIT_POLL_MS = 50;

  /** Keeps one mesh per Vert.x instance in that instance's local shared data. */
  private record Holder(Future<Mesh> mesh) implements Shareable {
  }

  private final Vertx vertx;
  private final MeshOptions options;
  private final ReplicaRegistry registry;
  private final ControlPlane controlPlane;
  private final BalancerVerticle balancer;
  /** The replicas this node serves, whose load its balancer shares. */
  private final ServedReplicas served = new ServedReplicas();
  private final AtomicInteger replicaSequence = new AtomicInteger();
  private final Set<Publication> publications = ConcurrentHashMap.newKeySet();
  /** Closing Vert.x closes the mesh first, while the event bus still works, so replicas drain. */
  private final Closeable closeWithVertx = completion -> close().onComplete(completion);
  private String balancerDeployment;
  private volatile boolean draining;
  private HttpServer healthServer; // null unless mesh.health has a port
  private DashboardServer dashboard; // null unless mesh.dashboard has a port

  private MeshImpl(Vertx vertx, MeshOptions options, ControlPlane controlPlane) {
    this.vertx = vertx;
    this.options = options;
    this.controlPlane = controlPlane;
    this.registry = new ReplicaRegistry(vertx, controlPlane);
    this.balancer = new BalancerVerticle(options, registry, served, controlPlane, Clock.SYSTEM);
  }

  public static Future<Mesh> join(Vertx vertx, MeshOptions options) {
    if (options.getSecurity().isEventBusTls() && !EventBusTls.isConfigured(vertx)) {
      return Future.failedFuture(new IllegalStateException("The mesh options ask for event-bus TLS ('security' has"
          + " certificates) but this Vert.x instance was built without it: build it with options from"
          + " EventBusTls.configure(vertxOptions, meshOptions.getSecurity()), or start it with io.busmesh.launcher.MeshLauncher,"
          + " which reads 'mesh.security' from -conf; set \"eventBusTls\": false to run without TLS"));
    }
    LocalMap<String, Holder> meshes = vertx.sharedData().getLocalMap(LOCAL_MAP);
    Promise<Mesh> created = Promise.promise();
    Holder existing = meshes.putIfAbsent("mesh", new Holder(created.future()));
    if (existing != null) {
      return existing.mesh();
    }
    MeshImpl mesh;
    try {
      mesh = new MeshImpl(vertx, options, new ControlPlane(RecordSigner.create(options.getSecurity()),
          options.getSecurity(), Clock.SYSTEM));
    } catch (IllegalArgumentException e) {
      meshes.remove("mesh");
      return Future.failedFuture(e);
    }
    if (!mesh.controlPlane.isSigning()) {
      log.warn("busmesh control plane is not authenticated (mesh.security has no certificates and no HMAC secret):"
          + " any process that joins this Hazelcast cluster can change where calls go. Fine on a development"
          + " machine; in production configure mesh.security (see the README, 'Security').");
    }
    vertx.deployVerticle(mesh.balancer)
        .compose(id -> {
          mesh.balancerDeployment = id;
          ((VertxInternal) vertx).addCloseHook(mesh.closeWithVertx);
          return mesh.serveHealth().compose(v -> mesh.serveDashboard())
              .recover(e -> mesh.close().transform(v -> Future.failedFuture(e)));
        })
        .map(v -> (Mesh) mesh)
        .onFailure(err -> meshes.remove("mesh"))
        .onComplete(created);
    return created.future();
  }

  /** Starts the liveness and readiness probes if the options give them a port. */
  private Future<Void> serveHealth() {
    if (!options.getHealth().isEnabled()) {
      return Future.succeededFuture();
    }
    VertxInternal internal = (VertxInternal) vertx;
    MeshHealth health = new MeshHealth(vertx, () -> internal.clusterManager().isActive(), balancer::viewSyncedAtNanos,
        3 * options.getResyncIntervalMs(), served::count, () -> draining);
    return health.listen(vertx, options.getHealth()).map(server -> {
      healthServer = server;
      return null;
    });
  }

  /** Starts the live dashboard if the options give it a port. */
  private Future<Void> serveDashboard() {
    DashboardOptions dashboardOptions = options.getDashboard();
    if (!dashboardOptions.isEnabled()) {
      return Future.succeededFuture();
    }
    return DashboardServer.start(vertx, dashboardOptions, balancer::dashboardFrame, balancer.events()).map(server -> {
      dashboard = server;
      log.info("busmesh dashboard of node " + nodeId() + ": http://" + dashboardOptions.getHost() + ":" + server.port() + "/");
      return null;
    });
  }

  /** True once {@code vertx} has a mesh (joined, or joining). */
  public static boolean isJoined(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOCAL_MAP).get("mesh") != null;
  }

  @Override
  public String nodeId() {
    return registry.nodeId();
  }

  @Override
  public <T> Future<Publication> publish(String service, Class<T> iface, T impl, PublishOptions publishOptions) {
    if (service == null || service.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("A service name is required to publish a replica"));
    }
    String address = MeshProtocol.REPLICA_ADDRESS_PREFIX + service + "." + nodeId() + "." + replicaSequence.incrementAndGet();
    Replica replica;
    try {
      replica = new Replica(service, address, nodeId(), publishOptions.getWeight(), publishOptions.getZone(),
          System.currentTimeMillis(), publishOptions.getMetadata(), IdempotentMethods.declaredBy(iface));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("Cannot publish a replica of service '" + service + "': "
          + e.getMessage(), e));
    }
    return ReplicaEndpoint.publish(vertx, registry, served, replica, iface, impl, publishOptions, options.getDrainTimeoutMs())
        .map(publication -> {
          Publication tracked = new TrackedPublication(publication);
          publications.add(tracked);
          return tracked;
        });
  }

  @Override
  public List<Replica> replicas(String service) {
    return balancer.view().replicas(service);
  }

  @Override
  public Future<List<Replica>> awaitReplicas(String service, int count, long timeoutMs) {
    Promise<List<Replica>> promise = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    checkReplicas(service, count, deadline, timeoutMs, promise);
    return promise.future();
  }

  private void checkReplicas(String service, int count, long deadline, long timeoutMs, Promise<List<Replica>> promise) {
    List<Replica> seen = replicas(service);
    if (seen.size() >= count) {
      promise.complete(seen);
    } else if (System.nanoTime() > deadline) {
      promise.fail("Waited " + timeoutMs + " ms for " + count + " replica(s) of service '" + service + "' but saw "
          + seen.size() + "; is a node publishing it running in the same cluster?");
    } else {
      vertx.setTimer(AWAIT_POLL_MS, id -> checkReplicas(service, count, deadline, timeoutMs, promise));
    }
  }

  @Override
  public Map<String, ReplicaStats> stats(String service) {
    return balancer.stats(service);
  }

  @Override
  public Future<ServiceMetrics> metrics(String service) {
    return balancer.metrics(service);
  }

  @Override
  public Future<Void> useStrategy(String service, String strategy, JsonObject settings) {
    return balancer.useStrategy(service, strategy, settings);
  }

  @Override
  public Future<Void> useStrategyEverywhere(String service, String strategy, JsonObject settings) {
    JsonObject checked = settings == null ? new JsonObject() : settings.copy();
    try {
      balancer.checkStrategy(strategy, checked);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    JsonObject change = new JsonObject().put("service", service).put("strategy", strategy)
        .put("strategyOptions", checked).put("at", System.currentTimeMillis());
    vertx.eventBus().publish(MeshProtocol.STRATEGY_CONTROL_ADDRESS, controlPlane.seal(ControlPlane.STRATEGY, change));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    draining = true; // readiness goes down at once; liveness stays up until the replicas have drained
    ((VertxInternal) vertx).removeCloseHook(closeWithVertx);
    List<Future<Void>> closing = new ArrayList<>();
    publications.forEach(p -> closing.add(p.close()));
    return Future.join(closing).otherwiseEmpty()
        .compose(v -> dashboard == null ? Future.succeededFuture() : dashboard.close())
        .compose(v -> balancerDeployment == null ? Future.succeededFuture() : vertx.undeploy(balancerDeployment))
        .compose(v -> healthServer == null ? Future.succeededFuture() : healthServer.close())
        .onComplete(ar -> vertx.sharedData().getLocalMap(LOCAL_MAP).remove("mesh"))
        .mapEmpty();
  }

  /** Forgets a publication once it is closed, so {@link #close()} closes only live ones. */
  private final class TrackedPublication implements Publication {
    private final Publication delegate;

    TrackedPublication(Publication delegate) {
      this.delegate = delegate;
    }

    @Override
    public Replica replica() {
      return delegate.replica();
    }

    @Override
    public int inFlight() {
      return delegate.inFlight();
    }

    @Override
    public Future<Void> close() {
      return delegate.close().onComplete(ar -> publications.remove(this));
    }
  }
}
