package io.busmesh.launcher;

import io.busmesh.ConfigReader;
import io.busmesh.Mesh;
import io.busmesh.MeshOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Joins this node to the mesh and publishes nothing: deploy it on pure caller nodes, whose own
 * verticles then call services through generated proxies. Conf: {@code {"mesh": {...MeshOptions}}}.
 */
public class MeshNodeVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    MeshOptions options;
    try {
      options = new MeshOptions(new ConfigReader("conf of " + getClass().getSimpleName(), config(), "mesh")
          .object("mesh", null));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Mesh.join(vertx, options);
  }
}
