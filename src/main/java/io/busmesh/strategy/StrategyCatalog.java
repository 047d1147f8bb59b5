package io.busmesh.strategy;

import io.busmesh.ConfigReader;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The strategies known by name: the built-in ones, then those registered through
 * {@link ServiceLoader}, found once, on first use. A registered factory may not take a built-in name.
 */
final class StrategyCatalog {

  private static final Logger log = LoggerFactory.getLogger(StrategyCatalog.class);

  private static final List<StrategyFactory> BUILT_IN = List.of(
      withoutSettings("round-robin", Strategy::roundRobin),
      withoutSettings("random", Strategy::random),
      withoutSettings("weighted", Strategy::weightedRoundRobin),
      withoutSettings("least-in-flight", Strategy::leastInFlight),
      withoutSettings("p2c", Strategy::powerOfTwoChoices),
      withoutSettings("peak-ewma", Strategy::peakEwma),
      StrategyFactory.of("consistent-hash", ConsistentHash::fromSettings),
      StrategyFactory.of("adaptive", Adaptive::fromSettings));

  private StrategyCatalog() {
  }

  /** Built lazily, so that a broken registration is reported when strategies are first looked up. */
  private static final class Loaded {
    static final Map<String, StrategyFactory> BY_NAME = load();
  }

  static StrategyFactory get(String name) {
    StrategyFactory factory = name == null ? null : Loaded.BY_NAME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("Unknown balancing strategy '" + name + "'; use one of " + names()
          + ", or register yours (see io.busmesh.strategy.StrategyFactory)");
    }
    return factory;
  }

  static Set<String> names() {
    return Loaded.BY_NAME.keySet();
  }

  private static Map<String, StrategyFactory> load() {
    Map<String, StrategyFactory> byName = new TreeMap<>();
    BUILT_IN.forEach(f -> byName.put(f.name(), f));
    try {
      for (StrategyFactory factory : ServiceLoader.load(StrategyFactory.class, classLoader())) {
        String name = factory.name();
        StrategyFactory existing = byName.putIfAbsent(name, factory);
        if (existing != null) {
          log.warn("Strategy factory " + factory.getClass().getName() + " is ignored: the name '" + name
              + "' is taken by " + existing.getClass().getName() + "; give it another name");
        }
      }
    } catch (ServiceConfigurationError e) {
      log.warn("A strategy factory listed in META-INF/services/" + StrategyFactory.class.getName()
          + " could not be loaded, so its strategy cannot be named: " + e.getMessage());
    }
    return Collections.unmodifiableMap(byName);
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : StrategyCatalog.class.getClassLoader();
  }

  /** A factory that rejects any setting, so that a misplaced one is reported instead of ignored. */
  private static StrategyFactory withoutSettings(String name, Supplier<Strategy> create) {
    return StrategyFactory.of(name, settings -> {
      new ConfigReader("settings of strategy '" + name + "'", settings);
      return create.get();
    });
  }
}
