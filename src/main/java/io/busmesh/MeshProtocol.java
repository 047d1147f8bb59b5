package io.busmesh;

/**
 * Every name and code busmesh puts on the event bus or in the cluster, in one place: the addresses
 * a user may subscribe or publish to, the headers it adds to calls and replies, the cluster maps it
 * keeps (to size their backups in {@code cluster.xml}, or to guard them), and the failure codes a
 * caller may match on.
 */
public final class MeshProtocol {

  private MeshProtocol() {
  }

  // Event-bus addresses

  /** Each node publishes every service's {@link ServiceMetrics} JSON here, every metrics period (plus {@code "node"}). */
  public static final String METRICS_ADDRESS = "busmesh.metrics";
  /** Each node publishes its circuit breakers' state changes here: {@code {node, service, replica, state}}. */
  public static final String BREAKER_ADDRESS = "busmesh.breakers";
  /** Publish {@code {"service", "strategy", "strategyOptions"}} here to switch a service's strategy on every node. */
  public static final String STRATEGY_CONTROL_ADDRESS = "busmesh.control.strategy";
  /** A replica listens at {@code busmesh.r.<service>.<node id>.<n>}, clustered. */
  public static final String REPLICA_ADDRESS_PREFIX = "busmesh.r.";
  /** A node's balancer takes registry changes at {@code busmesh.view.<node id>}. */
  public static final String VIEW_ADDRESS_PREFIX = "busmesh.view.";

  // Headers

  /** Vert.x service proxies name the method called in this header; strategies and idempotency key on it. */
  public static final String ACTION_HEADER = "action";
  /**
   * The caller's token, set by {@code ServiceProxyBuilder.setToken}; the balancer forwards it unchanged and a replica
   * published with {@link PublishOptions#setAuthentication} checks it on every call.
   */
  public static final String AUTH_TOKEN_HEADER = "auth-token";
  /** The call's deadline (epoch millis) that the balancer sends to the replica, which refuses work that arrives late. */
  public static final String DEADLINE_HEADER = "busmesh-deadline";
  /**
   * Marks an attempt that is not the call's first (a failover or a backup request). Replicas count
   * the calls and retries they receive per service, which their node shares, so that callers hold
   * the service's retry budget cluster-wide.
   */
  public static final String RETRY_HEADER = "busmesh-retry";
  /**
   * Marks a ping a balancer sends a replica when it enters its view, so that the event-bus connection
   * to the replica's node is open before the first call. The replica answers it at once, with no body,
   * without running anything.
   */
  public static final String PING_HEADER = "busmesh-ping";
  /**
   * In a reply: calls the replica was still executing (this one excluded). The mesh strips it from
   * answers it relays itself; an attempt's answer that goes straight to the caller keeps it (generated
   * proxies read only the body).
   */
  public static final String SERVER_IN_FLIGHT_HEADER = "busmesh-in-flight";
  /** In a reply: time the replica spent on the call, µs; like {@link #SERVER_IN_FLIGHT_HEADER}, it may reach the caller. */
  public static final String SERVICE_MICROS_HEADER = "busmesh-service-us";

  // Cluster maps

  /** Replica address → registry entry ({@link Replica#toJson()}). */
  public static final String REGISTRY_MAP = "busmesh.replicas";
  /** Node id → that node's shared in-flight and retry-budget counts. */
  public static final String LOAD_MAP = "busmesh.load";

  // Failure codes (ReplyException.failureCode())

  /**
   * A replica refused a message that is not a service-proxy call (no JSON body, no {@code action}
   * header); type {@code RECIPIENT_FAILURE}. Nothing ran.
   */
  public static final int MALFORMED_CALL = 400;
  /**
   * A replica published with {@link PublishOptions#setAuthentication} refused a call whose caller it could not
   * authenticate (no token, or a token its provider rejected); type {@code RECIPIENT_FAILURE}. Nothing ran, and the
   * balancer does not try another replica: the caller must fix its token.
   */
  public static final int UNAUTHENTICATED = 401;
  /**
   * A replica published with {@link PublishOptions#setAuthorization} refused a call whose authenticated caller lacks
   * the required authorization; type {@code RECIPIENT_FAILURE}. Nothing ran, and no other replica is tried.
   */
  public static final int FORBIDDEN = 403;
  /**
   * A closing replica refused a call that arrived after it left the registry; type
   * {@code RECIPIENT_FAILURE}. Nothing ran, so the balancer retries it on another replica.
   */
  public static final int REPLICA_DRAINING = 503;
  /**
   * The caller's node already had its limit of calls in flight to the service ({@code maxInFlight});
   * type {@code RECIPIENT_FAILURE}. Nothing ran.
   */
  public static final int OVERLOADED = 429;
  /** A replica refused a call that arrived after its deadline; type {@code RECIPIENT_FAILURE}. Nothing ran. */
  public static final int DEADLINE_EXCEEDED = 504;
  /**
   * The call of a method not declared idempotent reached a replica, and then the answer was lost
   * (timeout, or the replica's node left the cluster): it may or may not have run, so busmesh did not
   * run it again elsewhere; type {@code TIMEOUT}. See {@link Idempotent}.
   */
  public static final int OUTCOME_UNKNOWN = 598;
}
