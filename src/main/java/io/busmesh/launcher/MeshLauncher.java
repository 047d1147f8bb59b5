package io.busmesh.launcher;

import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.ExitCodes;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.logging.LogManager;

/**
 * The Vert.x launcher for busmesh nodes, plus two things the stock one lacks. It refuses to start on
 * an unreadable {@code -conf} (the stock launcher would run with an empty config), and it joins the
 * Hazelcast cluster of {@link ClusterConfig#load()}: your {@code cluster.xml}, else busmesh's loopback
 * default, named by {@code -Dbusmesh.cluster.name} if set. Run your own verticles with it:
 *
 * <pre>java -cp "target/classes:$(cat target/classpath.txt)" io.busmesh.launcher.MeshLauncher com.example.InventoryVerticle -cluster -conf conf/inventory.json</pre>
 */
public final class MeshLauncher extends VertxApplication implements VertxApplicationHooks {

  private MeshLauncher(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    useBundledLoggingConfig();
    // Checked before the launcher runs: it would run on with an empty conf, or exit saying nothing.
    Optional<String> problem = ConfArgument.problem(args).or(ClusterConfig::problem);
    if (problem.isPresent()) {
      System.err.println("busmesh: cannot start: " + problem.get());
      System.exit(ExitCodes.USAGE);
    }
    new MeshLauncher(args).launch();
  }

  /** Quiets Hazelcast's INFO chatter unless the user chose a logging config of their own. */
  private static void useBundledLoggingConfig() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream config = MeshLauncher.class.getResourceAsStream("logging.properties")) {
      if (config != null) {
        LogManager.getLogManager().readConfiguration(config);
      }
    } catch (IOException e) {
      System.err.println("busmesh: could not read the bundled logging config, using the JVM default: " + e);
    }
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    NotJoinedHint.scheduleCheck(context.vertx());
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    return VertxApplicationHooks.super.createVertxBuilder(options)
        .withClusterManager(new HazelcastClusterManager(ClusterConfig.load()));
  }
}
