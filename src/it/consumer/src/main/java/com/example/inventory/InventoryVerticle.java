package com.example.inventory;

import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.busmesh.Publication;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Publishes one inventory replica. Conf: {@code {"units": 1000000, "confirmDelayMs": 0, "mesh": {...}}}. */
public class InventoryVerticle extends VerticleBase {

  private Publication publication;

  @Override
  public Future<?> start() {
    Inventory inventory = new InventoryImpl(vertx, config().getInteger("units", 1_000_000),
        config().getLong("confirmDelayMs", 0L));
    return Mesh.join(vertx, new MeshOptions(config().getJsonObject("mesh")))
        .compose(mesh -> mesh.publish("inventory", Inventory.class, inventory))
        .onSuccess(p -> {
          publication = p;
          System.out.println("inventory replica " + p.replica().address() + " is serving");
        });
  }

  @Override
  public Future<?> stop() {
    return publication == null ? Future.succeededFuture() : publication.close();
  }
}
