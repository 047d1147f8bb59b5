package io.busmesh;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;

import java.nio.file.Path;

/**
 * Mutual TLS between the event buses of a cluster, from {@link SecurityOptions}: every node presents
 * its certificate, and accepts a connection, in either direction, only from a peer whose certificate
 * the cluster's CA issued. Apply it before Vert.x is built:
 * <pre>{@code
 * VertxOptions options = EventBusTls.configure(new VertxOptions(), meshOptions.getSecurity());
 * Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(ClusterConfig.load())).buildClustered();
 * }</pre>
 * The busmesh launcher does it by itself from the verticle's {@code -conf} ({@code mesh.security}).
 * <p>
 * <b>Identity:</b> a peer is trusted for holding a certificate of the cluster's CA, not for its host
 * name. Vert.x 5's clustered event bus turns host-name verification off on its client whatever the
 * options say ({@code ClusteredEventBus} sets {@code hostnameVerificationAlgorithm("")}), and a check
 * would prove little here anyway: peers are dialled at the IP address each node announced in the
 * Hazelcast cluster, which any member can write, and the addresses of nodes change (containers,
 * DHCP). So give each cluster its own CA and issue its certificates only to its nodes.
 * <p>
 * <b>Failures</b> (Vert.x 5.0.7, shown by {@code EventBusTlsClusterTest}): a request to a node the
 * handshake fails with (no TLS, another CA's certificate, or this node's certificate refused) ends only
 * as a {@code TIMEOUT} after its send timeout; for a mesh call that is an attempt timeout, which the
 * replica's breaker counts as a fault. Vert.x fails a reply handler early only for a
 * {@code ReplyException}; a failed connection fails just the write, which {@code request} does not
 * expose ({@code eventBus().sender(address).write(...)} does: when this node refuses the peer's
 * certificate it fails within milliseconds with the {@code SSLHandshakeException}; when the peer
 * refuses this node's, TLS 1.3 has already let the write through). What the logs show:
 * <ul>
 *   <li>the node that dialled and refused the peer's certificate: {@code WARNING ... ClusteredEventBus:
 *   Connecting to server <node id> failed}, caused by {@code PKIX path validation failed}; dialling a
 *   node without TLS, the same warning after the handshake timeout (10 s), caused by
 *   {@code handshake timed out after 10000ms};</li>
 *   <li>a dialled node that refuses the caller's certificate: nothing (the event-bus server has no
 *   exception handler); the caller, if it runs Vert.x, logs {@code SEVERE ... ConnectionBase:
 *   SSLHandshakeException: Received fatal alert: certificate_unknown};</li>
 *   <li>a node without TLS dialling a TLS node: nothing on either side.</li>
 * </ul>
 */
public final class EventBusTls {

  /**
   * Set in the node's cluster metadata by {@link #configure}: the one trace of the event-bus options a
   * built Vert.x instance still shows, read by {@link #isConfigured(Vertx)}.
   */
  static final String METADATA_KEY = "busmesh.eventBusTls";

  private EventBusTls() {
  }

  /**
   * Sets mutual TLS on {@code options.getEventBusOptions()} when {@code security.isEventBusTls()}
   * (its PEM key, certificate and CA, client certificates required, nothing trusted but the CA);
   * leaves {@code options} as they are otherwise.
   *
   * @return {@code options}
   * @throws IllegalArgumentException when a PEM file cannot be read or the three do not fit together,
   *                                  with a sentence naming the file and what to do
   */
  public static VertxOptions configure(VertxOptions options, SecurityOptions security) {
    if (!security.isEventBusTls()) {
      return options;
    }
    PemCredentials.check(security);
    EventBusOptions eventBus = options.getEventBusOptions();
    JsonObject metadata = eventBus.getClusterNodeMetadata() == null ? new JsonObject() : eventBus.getClusterNodeMetadata().copy();
    eventBus.setSsl(true)
        // Absolute: Vert.x would look a relative path up on the classpath too when the working directory lacks it.
        .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(absolute(security.getKeyPath())).setCertPath(absolute(security.getCertPath())))
        .setTrustOptions(new PemTrustOptions().addCertPath(absolute(security.getCaPath())))
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false) // EventBusOptions trusts every certificate by default
        .setClusterNodeMetadata(metadata.put(METADATA_KEY, true));
    return options;
  }

  /**
   * Whether {@code vertx} was built with options that {@link #configure} set for TLS. A non-clustered
   * instance counts as configured: its event bus never leaves the process.
   */
  public static boolean isConfigured(Vertx vertx) {
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    if (cluster == null) {
      return true;
    }
    NodeInfo node = cluster.getNodeInfo();
    return node != null && node.metadata() != null && Boolean.TRUE.equals(node.metadata().getValue(METADATA_KEY));
  }

  private static String absolute(String path) {
    return Path.of(path).toAbsolutePath().toString();
  }
}
