package io.busmesh.launcher;

import io.busmesh.EventBusTls;
import io.busmesh.SecurityOptions;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
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
 * The Vert.x launcher for busmesh nodes, plus what the stock one lacks. It refuses to start on an
 * unreadable {@code -conf} (the stock launcher would run with an empty config); it joins the
 * Hazelcast cluster of {@link ClusterConfig#load()}: your {@code cluster.xml}, else busmesh's loopback
 * default, named by {@code -Dbusmesh.cluster.name} if set; and when the conf's {@code mesh.security}
 * has certificates, it runs the event bus over mutual TLS ({@link EventBusTls}). Run your own verticles with it:
 *
 * <pre>java -cp "target/classes:$(cat target/classpath.txt)" io.busmesh.launcher.MeshLauncher com.example.InventoryVerticle -cluster -conf conf/inventory.json</pre>
 */
public final class MeshLauncher extends VertxApplication implements VertxApplicationHooks {

  private static final Logger log = LoggerFactory.getLogger(MeshLauncher.class);

  /** From the verticle's conf, read before Vert.x starts; null when it has none. */
  private SecurityOptions security;

  private MeshLauncher(String[] args) {
    super(args);
  }

  public static void main(String[] args) {
    useBundledLoggingConfig();
    // Checked before the launcher runs: it would run on with an empty conf, or exit saying nothing.
    Optional<String> problem = ConfArgument.problem(args).or(ClusterConfig::problem);
    problem.ifPresent(MeshLauncher::refuseToStart);
    new MeshLauncher(args).launch();
  }

  /**
   * Ends the JVM with one sentence. Used only before Vert.x starts: an exception from a hook would end
   * it silently (the launcher maps it to exit code 1), and the launcher's own usage error prints the
   * whole usage, which buries the sentence.
   */
  private static void refuseToStart(String problem) {
    System.err.println("busmesh: cannot start: " + problem);
    System.exit(ExitCodes.USAGE);
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject conf) {
    try {
      security = ConfSecurity.read(conf).orElse(null);
    } catch (IllegalArgumentException e) {
      refuseToStart(e.getMessage());
    }
    return conf;
  }

  /** Sets event-bus TLS from the conf's {@code mesh.security}, while the Vert.x options may still change. */
  @Override
  public void beforeStartingVertx(HookContext context) {
    if (security == null || !security.isEventBusTls()) {
      return;
    }
    try {
      EventBusTls.configure(context.vertxOptions(), security);
    } catch (IllegalArgumentException e) {
      refuseToStart(e.getMessage());
    }
    log.info("Event bus: mutual TLS with " + security.getCertPath() + ", trusting the CA in " + security.getCaPath());
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
