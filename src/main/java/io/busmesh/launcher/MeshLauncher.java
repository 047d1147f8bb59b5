package io.busmesh.launcher;

import com.hazelcast.config.Config;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.ExitCodes;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.logging.LogManager;

/**
 * Main class of {@code busmesh.jar}: the Vert.x launcher, plus two things it lacks. It refuses to
 * start on an unreadable {@code -conf} (the stock launcher would run with an empty config), and it
 * joins the Hazelcast cluster of {@code cluster.xml}, named by {@code -Dbusmesh.cluster.name} if set.
 *
 * <pre>java -jar target/busmesh.jar io.busmesh.examples.calculator.CalculatorVerticle -cluster -conf conf/calculator.json</pre>
 */
public final class MeshLauncher extends VertxApplication implements VertxApplicationHooks {

  /** System property that overrides the cluster name of {@code cluster.xml}. */
  public static final String CLUSTER_NAME_PROPERTY = "busmesh.cluster.name";

  private MeshLauncher(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    useBundledLoggingConfig();
    Optional<String> confProblem = ConfArgument.problem(args);
    if (confProblem.isPresent()) {
      System.err.println("busmesh: cannot start: " + confProblem.get());
      System.exit(ExitCodes.USAGE);
    }
    new MeshLauncher(args).launch();
  }

  /** Quiets Hazelcast's INFO chatter unless the user chose a logging config of their own. */
  private static void useBundledLoggingConfig() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream config = MeshLauncher.class.getResourceAsStream("/busmesh-logging.properties")) {
      if (config != null) {
        LogManager.getLogManager().readConfiguration(config);
      }
    } catch (IOException e) {
      System.err.println("busmesh: could not read the bundled logging config, using the JVM default: " + e);
    }
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    Config config = ConfigUtil.loadConfig();
    String clusterName = System.getProperty(CLUSTER_NAME_PROPERTY);
    if (clusterName != null && !clusterName.isBlank()) {
      config.setClusterName(clusterName);
    }
    return VertxApplicationHooks.super.createVertxBuilder(options).withClusterManager(new HazelcastClusterManager(config));
  }
}
