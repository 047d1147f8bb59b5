package io.busmesh.launcher;

import com.hazelcast.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest {

  private static final String USERS_XML = "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\">"
      + "<cluster-name>theirs</cluster-name></hazelcast>";

  @TempDir
  Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty(ClusterConfig.HAZELCAST_CONFIG_PROPERTY);
    System.clearProperty(ClusterConfig.CLUSTER_NAME_PROPERTY);
  }

  @Test
  void withoutAConfigOfTheUsersBusmeshJoinsOverLoopbackTcp() {
    Config config = ClusterConfig.load();

    assertEquals("busmesh", config.getClusterName());
    assertTrue(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1"), config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
  }

  @Test
  void aClusterXmlOnTheUsersClasspathWins() throws Exception {
    Files.writeString(dir.resolve("cluster.xml"), USERS_XML);
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader users = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
      Thread.currentThread().setContextClassLoader(users);
      assertEquals("theirs", ClusterConfig.load().getClusterName());
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Test
  void aFileNamedByThePropertyWinsAndTheClusterNamePropertyOverridesIt() throws Exception {
    Path file = Files.writeString(dir.resolve("mine.xml"), USERS_XML);
    System.setProperty(ClusterConfig.HAZELCAST_CONFIG_PROPERTY, file.toString());
    assertEquals("theirs", ClusterConfig.load().getClusterName());

    System.setProperty(ClusterConfig.CLUSTER_NAME_PROPERTY, "test-7");
    assertEquals("test-7", ClusterConfig.load().getClusterName());
  }

  @Test
  void aPropertyNamingNoFileIsRejectedInsteadOfFallingBackToMulticast() {
    System.setProperty(ClusterConfig.HAZELCAST_CONFIG_PROPERTY, "conf/no-such-cluster.xml");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ClusterConfig::load);

    assertTrue(e.getMessage().startsWith("-Dvertx.hazelcast.config=conf/no-such-cluster.xml names no file"), e.getMessage());
  }
}
