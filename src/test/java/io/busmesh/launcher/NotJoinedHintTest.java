package io.busmesh.launcher;

import io.busmesh.Mesh;
import io.busmesh.examples.calculator.Calculator;
import io.busmesh.examples.calculator.CalculatorImpl;
import io.busmesh.test.LogCapture;
import io.busmesh.test.TestCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotJoinedHintTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aLauncherNodeThatNeverJoinedIsToldWhyMeshServicesHaveNoHandlersThere() throws Exception {
    Vertx server = cluster.addNode();
    Mesh.join(server).compose(m -> m.publish("calculator", Calculator.class, new CalculatorImpl(server, 0, 0.0)))
        .await(30, TimeUnit.SECONDS);
    Vertx forgetful = cluster.addNode(); // its verticle never calls Mesh.join
    Vertx joined = cluster.addNode();
    Mesh.join(joined).await(30, TimeUnit.SECONDS);

    try (LogCapture log = LogCapture.of(NotJoinedHint.class)) {
      assertFalse(NotJoinedHint.check(joined).await(10, TimeUnit.SECONDS), "a joined node is not told");
      assertTrue(NotJoinedHint.check(forgetful).await(10, TimeUnit.SECONDS));

      assertEquals(1, log.lines().size(), log.lines().toString());
      assertTrue(log.contains("WARNING This node has not joined the busmesh mesh, but the cluster has mesh services"
          + " [calculator]"), log.lines().toString());
      assertTrue(log.contains("Call Mesh.join(vertx)"), log.lines().toString());
    }
  }
}
