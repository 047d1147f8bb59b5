package io.busmesh.impl.registry;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.map.MapEvent;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Finds plain event-bus consumers (a {@code ServiceBinder} on the service name, as every service-proxy
 * provider is written) registered on the names of services the mesh balances. Vert.x shares a name's
 * point-to-point traffic between all its consumers in turn, so such a consumer takes part of the calls
 * that generated proxies send, and those skip balancing, breakers and failover.
 * <p>
 * A balancer answers on its service names with local-only consumers, which vertx-hazelcast keeps out
 * of its cluster map of subscriptions ({@code __vertx.subs}): any entry under a service name there is
 * a stranger. Changes are pushed by a Hazelcast entry listener and reads run on a worker thread, so
 * none of this is on the path of a call.
 */
public final class ForeignConsumerWatch implements AutoCloseable {

  /** vertx-hazelcast's multimap of clustered consumers: address → registration (node id, sequence). */
  private static final String SUBSCRIPTIONS_MAP = "__vertx.subs";

  private final Vertx vertx;
  private final MultiMap<String, Object> subscriptions; // null when Vert.x is not clustered with Hazelcast
  private volatile UUID listener;

  private ForeignConsumerWatch(Vertx vertx, MultiMap<String, Object> subscriptions) {
    this.vertx = vertx;
    this.subscriptions = subscriptions;
  }

  /**
   * Starts watching; {@code onChanged} receives, on a Hazelcast thread, every address whose clustered
   * consumers changed. Without Hazelcast clustering nothing can share a name, and the watch sees none.
   */
  public static ForeignConsumerWatch watch(Vertx vertx, Consumer<String> onChanged) {
    if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager hz) || hz.getHazelcastInstance() == null) {
      return new ForeignConsumerWatch(vertx, null);
    }
    ForeignConsumerWatch watch = new ForeignConsumerWatch(vertx, hz.getHazelcastInstance().getMultiMap(SUBSCRIPTIONS_MAP));
    Listener listener = new Listener(onChanged);
    // Registering a listener waits for every member: not on an event loop.
    vertx.executeBlocking(() -> watch.listener = watch.subscriptions.addEntryListener(listener, false), false);
    return watch;
  }

  /** The ids of the nodes with a clustered consumer on {@code address}, one per consumer; read on a worker. */
  public Future<List<String>> consumersOn(String address) {
    if (subscriptions == null) {
      return Future.succeededFuture(List.of());
    }
    return vertx.executeBlocking(() -> subscriptions.get(address).stream()
        .map(registration -> registration instanceof HazelcastRegistrationInfo info ? info.unwrap().nodeId() : "unknown")
        .toList(), false);
  }

  @Override
  public void close() {
    UUID registered = listener;
    if (registered != null) {
      vertx.executeBlocking(() -> subscriptions.removeEntryListener(registered), false);
    }
  }

  /** Reports the address of every added or removed consumer; a multimap's values are never updated in place. */
  private record Listener(Consumer<String> onChanged) implements EntryListener<String, Object> {

    @Override
    public void entryAdded(EntryEvent<String, Object> event) {
      onChanged.accept(event.getKey());
    }

    @Override
    public void entryRemoved(EntryEvent<String, Object> event) {
      onChanged.accept(event.getKey());
    }

    @Override
    public void entryUpdated(EntryEvent<String, Object> event) {
    }

    @Override
    public void entryEvicted(EntryEvent<String, Object> event) {
    }

    @Override
    public void entryExpired(EntryEvent<String, Object> event) {
    }

    @Override
    public void mapEvicted(MapEvent event) {
    }

    @Override
    public void mapCleared(MapEvent event) {
    }
  }
}
