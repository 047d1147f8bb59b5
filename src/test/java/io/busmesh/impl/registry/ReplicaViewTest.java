package io.busmesh.impl.registry;

import io.busmesh.Replica;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaViewTest {

  private static Replica replica(String service, String address, String node) {
    return new Replica(service, address, node, 1, "", 0, new JsonObject());
  }

  private final Replica a1 = replica("a", "busmesh.r.a.n1.1", "n1");
  private final Replica a2 = replica("a", "busmesh.r.a.n2.1", "n2");
  private final Replica b1 = replica("b", "busmesh.r.b.n1.1", "n1");

  @Test
  void groupsReplicasByServiceInAddressOrder() {
    ReplicaView view = ReplicaView.of(List.of(a2, b1, a1));

    assertEquals(List.of(a1, a2), view.replicas("a"));
    assertEquals(List.of(b1), view.replicas("b"));
    assertEquals(List.of(), view.replicas("c"));
  }

  @Test
  void changesMakeNewViewsAndLeaveTheOldOneIntact() {
    ReplicaView view = ReplicaView.of(List.of(a1, b1));

    ReplicaView withA2 = view.with(a2);
    ReplicaView withoutNode1 = withA2.withoutNode("n1");

    assertEquals(List.of(a1), view.replicas("a"));
    assertEquals(List.of(a1, a2), withA2.replicas("a"));
    assertEquals(List.of(a2), withoutNode1.replicas("a"));
    assertTrue(withoutNode1.replicas("b").isEmpty());
    assertSame(view, view.without("r.unknown"));
    assertEquals(List.of(a2), withA2.onNodes(Set.of("n2")).replicas("a"));
  }

  @Test
  void registryChangesApplyAndMalformedOnesAreRejected() {
    ReplicaView view = ViewChange.parse(ViewChange.added(a1)).apply(ReplicaView.EMPTY);
    assertEquals(List.of(a1), view.replicas("a"));
    assertTrue(ViewChange.parse(ViewChange.removed("busmesh.r.a.n1.1")).apply(view).replicas("a").isEmpty());

    assertThrows(IllegalArgumentException.class, () -> ViewChange.parse("hello"));
    assertThrows(IllegalArgumentException.class, () -> ViewChange.parse(new JsonObject().put("added", new JsonObject())));
  }
}
