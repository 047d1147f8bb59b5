package io.busmesh;

import io.busmesh.impl.MeshImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * A node's membership in the busmesh service mesh.
 *
 * <p>Joining deploys this node's balancer. From then on the ordinary generated proxy of a service
 * name, {@code new ServiceProxyBuilder(vertx).setAddress("calculator").build(Calculator.class)},
 * reaches one of the service's replicas anywhere in the cluster. {@link #publish} adds a replica.
 */
public interface Mesh {

  /** Joins with default options; see {@link #join(Vertx, MeshOptions)}. */
  static Future<Mesh> join(Vertx vertx) {
    return join(vertx, new MeshOptions());
  }

  /**
   * Joins {@code vertx} (normally clustered) to the mesh. A Vert.x instance has one mesh: the first
   * join creates it with {@code options}, later joins return the same mesh.
   */
  static Future<Mesh> join(Vertx vertx, MeshOptions options) {
    return MeshImpl.join(vertx, options);
  }

  /** The Vert.x node id of this node in the cluster. */
  String nodeId();

  /** Publishes {@code impl} as one replica of {@code service} with default options. */
  default <T> Future<Publication> publish(String service, Class<T> iface, T impl) {
    return publish(service, iface, impl, new PublishOptions());
  }

  /**
   * Publishes {@code impl}, an implementation of the {@code @ProxyGen} interface {@code iface}, as a
   * new replica of {@code service} at its own clustered address. The future completes once the
   * replica is in the registry and can be called.
   */
  <T> Future<Publication> publish(String service, Class<T> iface, T impl, PublishOptions options);

  /** The replicas of {@code service} in this node's view, sorted by address. */
  List<Replica> replicas(String service);

  /**
   * Completes with the replicas of {@code service} once this node's view holds at least
   * {@code count} of them; fails after {@code timeoutMs} with a message saying how many it saw.
   */
  Future<List<Replica>> awaitReplicas(String service, int count, long timeoutMs);

  /** This node's per-replica call statistics for {@code service}, keyed by replica address. */
  Map<String, ReplicaStats> stats(String service);

  /**
   * The seed metrics of {@code service} on this node: load S (mean cluster-wide in-flight per
   * replica), response time T (mean, p50, p99), error rate E, fault rate P, per service and replica,
   * and how old the shared in-flight view is. Each node also publishes them every
   * {@link MeshOptions#getMetricsPeriodMs()} on {@link MeshProtocol#METRICS_ADDRESS}.
   */
  Future<ServiceMetrics> metrics(String service);

  /**
   * Switches {@code service} to another balancing strategy on this node, at once and without a
   * restart. The strategy is one named in this node's options, a built-in one or one registered
   * through the ServiceLoader (see {@link io.busmesh.strategy.StrategyFactory}). To switch every
   * node, use {@link #useStrategyEverywhere}.
   *
   * @throws IllegalArgumentException (as a failed future) for an unknown strategy or bad settings
   */
  Future<Void> useStrategy(String service, String strategy, JsonObject settings);

  /**
   * Switches {@code service} to another strategy on every node that calls it, this one included:
   * publishes the change, signed by this node when signing is on, on
   * {@link MeshProtocol#STRATEGY_CONTROL_ADDRESS}. Nodes whose {@code security.strategyControl} is
   * false ignore it, as do nodes that know nothing of the service.
   *
   * @throws IllegalArgumentException (as a failed future) for an unknown strategy or bad settings, checked here first
   */
  Future<Void> useStrategyEverywhere(String service, String strategy, JsonObject settings);

  /** Closes this node's publications (draining each), then stops its balancer. */
  Future<Void> close();
}
