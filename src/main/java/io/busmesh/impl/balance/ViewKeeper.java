package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.Replica;
import io.busmesh.impl.log.RateLimitedLog;
import io.busmesh.impl.registry.ReplicaRegistry;
import io.busmesh.impl.registry.ReplicaView;
import io.busmesh.impl.registry.ViewChange;
import io.busmesh.impl.trust.ControlPlane;
import io.busmesh.impl.trust.SignedRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * This node's {@link ReplicaView}: registry changes pushed by the nodes that make them (signed and
 * checked), a periodic resync with the registry map, and node departures applied at once. Each new
 * view is handed on whole. Runs on the balancer's loop; {@link #view()} may be read from any thread.
 */
final class ViewKeeper {

  private static final Logger log = LoggerFactory.getLogger(ViewKeeper.class);

  private final Context loop;
  private final ReplicaRegistry registry;
  private final ControlPlane controlPlane;
  private final RateLimitedLog rejected;
  private final Predicate<String> isCalled;
  private final Consumer<ReplicaView> onChange;
  private volatile ReplicaView view = ReplicaView.EMPTY;
  /** When the registry was last read in full ({@link System#nanoTime()}), or -1 before the first read; any thread. */
  private volatile long syncedAtNanos = -1;
  /** Changes applied while a resync reads the registry; replayed on its snapshot. Null when none runs. */
  private List<UnaryOperator<ReplicaView>> changesDuringResync;
  /** Replicas of the view that the last resync did not read (see {@link #withOnceMissed}). */
  private Set<String> missedLastRead = Set.of();

  /**
   * @param isCalled whether this node calls a service: its replicas stay when the view is full
   * @param onChange told of every new view
   */
  ViewKeeper(Context loop, ReplicaRegistry registry, ControlPlane controlPlane, RateLimitedLog rejected,
             Predicate<String> isCalled, Consumer<ReplicaView> onChange) {
    this.loop = loop;
    this.registry = registry;
    this.controlPlane = controlPlane;
    this.rejected = rejected;
    this.isCalled = isCalled;
    this.onChange = onChange;
  }

  /** When the view was last rebuilt from a full read of the registry ({@link System#nanoTime()}); -1 before the first. */
  long syncedAtNanos() {
    return syncedAtNanos;
  }

  /** The current view; safe to read from any thread. */
  ReplicaView view() {
    return view;
  }

  /** A change pushed to this node's view address: applied if signed by a node of the cluster and well formed. */
  void onChange(Message<Object> change) {
    SignedRecord record = controlPlane.open(ControlPlane.VIEW, change.body(), "this node's view address");
    if (record == null) {
      change.fail(MeshProtocol.MALFORMED_CALL, "A registry change must be signed by a node of this cluster");
      return;
    }
    UnaryOperator<ReplicaView> update;
    try {
      if (!controlPlane.isRecent(record.payload().getValue("at"))) {
        throw new IllegalArgumentException("it is stamped more than " + ControlPlane.MAX_SKEW_MS / 1000
            + " s from this node's clock (a replay?)");
      }
      update = ViewChange.parse(record.payload(), record.signer(), controlPlane::mayPublish);
    } catch (IllegalArgumentException e) {
      rejected.warn("Ignored a malformed registry change: " + e.getMessage());
      change.fail(MeshProtocol.MALFORMED_CALL, e.getMessage());
      return;
    }
    apply(update);
    change.reply(null);
  }

  /** Drops the replicas of a node that left, and has the registry forget them too. */
  void nodeLeft(String nodeId) {
    ReplicaView before = view;
    apply(v -> v.withoutNode(nodeId));
    if (before != view) {
      log.info("Node " + nodeId + " left the cluster; its replicas were removed from this node's view");
    }
    registry.reassertOwn().compose(v -> registry.readAll()).compose(registry::forgetDeadNodes)
        .onFailure(err -> log.warn("Could not update the registry after node " + nodeId + " left: " + err.getMessage()));
  }

  /** Back in the cluster after a split: the others forgot this node's replicas, and this node theirs. */
  void rejoined() {
    log.info("This node rejoined the cluster after a split; re-announcing its replicas and reading the registry");
    OnLoop.of(loop, registry.reannounceOwn()).compose(v -> resync())
        .onFailure(err -> log.warn("Could not re-announce this node's replicas after rejoining: " + err.getMessage()));
  }

  private void apply(UnaryOperator<ReplicaView> change) {
    if (changesDuringResync != null) {
      changesDuringResync.add(change);
    }
    setView(change.apply(view));
  }

  /**
   * Replaces the view with the registry's content. Changes that arrive while the registry is read
   * are replayed on top of what was read, so neither the snapshot nor a pushed change is lost.
   */
  Future<Void> resync() {
    if (changesDuringResync != null) {
      return Future.succeededFuture(); // one resync at a time
    }
    List<UnaryOperator<ReplicaView>> replay = new ArrayList<>();
    changesDuringResync = replay;
    // Every step after the read runs on this loop: the futures derived from OnLoop's keep its context.
    return OnLoop.of(loop, registry.readAll()).map(entries -> {
      ReplicaView next = ReplicaView.of(calledFirst(withOnceMissed(entries))).onNodes(registry.liveNodes());
      for (UnaryOperator<ReplicaView> change : replay) {
        next = change.apply(next);
      }
      setView(next);
      syncedAtNanos = System.nanoTime();
      return entries;
    }).compose(entries -> registry.repairOwn(entries).map(entries))
        .compose(registry::forgetDeadNodes).recover(err -> {
          log.warn("Registry resync failed, keeping the current view: " + err.getMessage());
          return Future.succeededFuture();
        }).onComplete(ar -> changesDuringResync = null);
  }

  /**
   * {@code read} plus the replicas of the view, on live nodes, that it lacks for the first time: an
   * entry deleted from the map by someone else is restored by its own node within a resync period, so
   * one read without it is no reason to stop calling it. A replica that is really gone was removed by
   * a push already, or is missing from two reads in a row.
   */
  private List<Replica> withOnceMissed(List<Replica> read) {
    Set<String> live = registry.liveNodes();
    Set<String> readAddresses = new HashSet<>();
    read.forEach(r -> readAddresses.add(r.address()));
    Set<String> missing = new HashSet<>();
    List<Replica> result = new ArrayList<>(read);
    for (String service : view.services()) {
      for (Replica r : view.replicas(service)) {
        if (!readAddresses.contains(r.address()) && live.contains(r.nodeId()) && !missedLastRead.contains(r.address())) {
          missing.add(r.address());
          result.add(r);
        }
      }
    }
    missedLastRead = missing;
    return result;
  }

  /**
   * The replicas of services this node calls first: if the registry holds more than a view can
   * (someone filling it), the services in use are the ones that stay.
   */
  private List<Replica> calledFirst(List<Replica> entries) {
    List<Replica> sorted = new ArrayList<>(entries.size());
    entries.stream().filter(r -> isCalled.test(r.service())).forEach(sorted::add);
    entries.stream().filter(r -> !isCalled.test(r.service())).forEach(sorted::add);
    return sorted;
  }

  private void setView(ReplicaView next) {
    if (next == view) {
      return;
    }
    view = next;
    onChange.accept(next);
    if (next.size() >= ReplicaView.MAX_REPLICAS || next.services().size() >= ReplicaView.MAX_SERVICES) {
      rejected.warn("This node's view is full (" + next.size() + " replicas of " + next.services().size() + " services;"
          + " at most " + ReplicaView.MAX_REPLICAS + " and " + ReplicaView.MAX_SERVICES + "): further replicas are left"
          + " out. Is something filling the registry map " + MeshProtocol.REGISTRY_MAP + "?");
    }
  }
}
