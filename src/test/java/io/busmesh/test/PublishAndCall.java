package io.busmesh.test;

import io.busmesh.Mesh;
import io.busmesh.PublishOptions;
import io.busmesh.test.ledger.Ledger;
import io.busmesh.test.ledger.TunableLedger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceProxyBuilder;

import java.util.concurrent.TimeUnit;

/** A whole replica's life on one (non-clustered) node: publish, call through the mesh, close. */
public final class PublishAndCall {

  private PublishAndCall() {
  }

  /** Publishes a ledger replica with options read from JSON, appends once through the mesh, and returns the answer. */
  public static int run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Mesh mesh = Mesh.join(vertx).await(30, TimeUnit.SECONDS);
      PublishOptions options = new PublishOptions(new JsonObject().put("weight", 2).put("zone", "z"));
      mesh.publish("ledger", Ledger.class, new TunableLedger(vertx, new TunableLedger.Executions(), 0), options)
          .await(30, TimeUnit.SECONDS);
      mesh.awaitReplicas("ledger", 1, 10_000).await(20, TimeUnit.SECONDS);
      Ledger ledger = new ServiceProxyBuilder(vertx).setAddress("ledger").build(Ledger.class);
      return ledger.append("once").await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
