package io.busmesh.impl.replica;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.fault.AttemptFailure;
import io.busmesh.test.FakeMessage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallGuardTest {

  private final Vertx vertx = Vertx.vertx();
  private final CallGuard guard = new CallGuard("ledger", "busmesh.r.ledger.n.1");

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aClosingReplicaRefusesANewCallWithACodeTheCallersMeshRunsElsewhere() {
    guard.startDraining();

    Future<Message<JsonObject>> admitted = guard.intercept(vertx, new HashMap<>(), call("append"));

    ReplyException e = assertInstanceOf(ReplyException.class, admitted.cause());
    assertEquals(MeshProtocol.REPLICA_DRAINING, e.failureCode());
    assertEquals("Replica busmesh.r.ledger.n.1 of service 'ledger' is closing and took no new call; it was not run",
        e.getMessage());
    assertEquals(AttemptFailure.REFUSED_BY_REPLICA, AttemptFailure.of(e));
    assertEquals(0, guard.inFlight(), "a refused call is not waited for");
  }

  @Test
  void aCallAdmittedBeforeTheDrainIsWaitedForUntilAnswered() throws Exception {
    Message<JsonObject> admitted = guard.intercept(vertx, new HashMap<>(), call("append")).result();
    guard.startDraining();

    Future<Void> idle = guard.whenIdle(vertx, 10_000);
    assertFalse(idle.isComplete(), "one call still in progress");
    admitted.reply(1);

    idle.await(1, TimeUnit.SECONDS);
    assertTrue(idle.succeeded());
  }

  @Test
  void aMessageWithoutAnActionIsRefusedAsMalformed() {
    ReplyException e = assertInstanceOf(ReplyException.class, guard.intercept(vertx, new HashMap<>(), call(null)).cause());

    assertEquals(MeshProtocol.MALFORMED_CALL, e.failureCode());
    assertEquals(AttemptFailure.MALFORMED, AttemptFailure.of(e));
  }

  private static Message<JsonObject> call(String action) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (action != null) {
      headers.set(MeshProtocol.ACTION_HEADER, action);
    }
    return new FakeMessage<>("busmesh.r.ledger.n.1", headers, new JsonObject().put("entryId", "e"), null);
  }
}
