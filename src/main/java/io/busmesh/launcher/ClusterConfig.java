package io.busmesh.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hazelcast configuration of a busmesh node. Yours wins: the file named by
 * {@code -Dvertx.hazelcast.config}, else a {@code cluster.xml} at the root of the classpath (where
 * vertx-hazelcast looks). Without either, busmesh's default: TCP/IP join on 127.0.0.1, no multicast,
 * fast failure detection (the {@code cluster.xml} at the top of the busmesh repository, packed in the
 * library as {@code io/busmesh/launcher/cluster.xml}), instead of vertx-hazelcast's multicast default.
 * In every case {@code -Dbusmesh.cluster.name} overrides the cluster name.
 */
public final class ClusterConfig {

  /** System property that overrides the cluster name, so that two clusters on one host never merge. */
  public static final String CLUSTER_NAME_PROPERTY = "busmesh.cluster.name";
  /** vertx-hazelcast's system property naming a config file (or {@code classpath:NAME}). */
  public static final String HAZELCAST_CONFIG_PROPERTY = "vertx.hazelcast.config";

  private static final String USER_CONFIG_RESOURCE = "cluster.xml";
  private static final String DEFAULT_CONFIG_RESOURCE = "cluster.xml"; // relative to this class
  private static final Logger log = LoggerFactory.getLogger(ClusterConfig.class);

  private ClusterConfig() {
  }

  /**
   * Loads the configuration a node should join with; see the class comment for the order.
   *
   * @throws IllegalArgumentException when {@code -Dvertx.hazelcast.config} names a file that does not exist
   */
  public static Config load() {
    Optional<String> problem = problem();
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    Config config;
    String source;
    String property = System.getProperty(HAZELCAST_CONFIG_PROPERTY);
    if (property != null) {
      config = ConfigUtil.loadConfig();
      source = property;
    } else if (onClasspath(USER_CONFIG_RESOURCE)) {
      config = ConfigUtil.loadConfig();
      source = "cluster.xml on the classpath";
    } else {
      config = busmeshDefault();
      source = "busmesh's default (TCP/IP join on 127.0.0.1; add a cluster.xml to the classpath to change it)";
    }
    String name = System.getProperty(CLUSTER_NAME_PROPERTY);
    if (name != null && !name.isBlank()) {
      config.setClusterName(name);
    }
    log.info("Hazelcast config: " + source + ", cluster '" + config.getClusterName() + "'");
    return config;
  }

  /**
   * What is wrong with {@code -Dvertx.hazelcast.config}, if anything: vertx-hazelcast would silently
   * fall back to its multicast default when the file is missing.
   */
  static Optional<String> problem() {
    String property = System.getProperty(HAZELCAST_CONFIG_PROPERTY);
    if (property == null || property.startsWith("classpath:") || Files.isRegularFile(Path.of(property))) {
      return Optional.empty();
    }
    return Optional.of("-D" + HAZELCAST_CONFIG_PROPERTY + "=" + property + " names no file (working directory: "
        + Path.of("").toAbsolutePath() + "); give the path of your Hazelcast XML, or leave the property out to use a"
        + " cluster.xml on the classpath or busmesh's loopback default");
  }

  private static boolean onClasspath(String resource) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return (context != null && context.getResource(resource) != null)
        || ClusterConfig.class.getClassLoader().getResource(resource) != null;
  }

  private static Config busmeshDefault() {
    try (InputStream in = ClusterConfig.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("busmesh's default cluster.xml is missing from the busmesh jar");
      }
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read busmesh's default cluster.xml", e);
    }
  }
}
