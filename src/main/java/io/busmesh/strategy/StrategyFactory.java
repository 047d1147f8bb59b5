package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Makes the {@link Strategy} of one service on one node from the service's {@code strategyOptions},
 * and names it. A service is given a strategy in one of two ways:
 * <ul>
 *   <li>by name, in conf ({@code "strategy": "zone-affinity"}), {@code ServiceOptions.setStrategy(name)}
 *       or {@code Mesh.useStrategy}: the built-in names, and the name of every factory listed in a
 *       {@code META-INF/services/io.busmesh.strategy.StrategyFactory} file on the classpath (Java's
 *       {@link java.util.ServiceLoader}; such a factory needs a public no-argument constructor);</li>
 *   <li>by instance, in code: {@code ServiceOptions.setStrategy(factory, settings)}, e.g. with
 *       {@link #of(String, Function)}.</li>
 * </ul>
 * Each service gets its own strategy instance on each event loop of each node that routes its calls,
 * so a strategy may keep per-service state without locking (see {@link Strategy}).
 */
public interface StrategyFactory {

  /** The name by which conf and {@code Mesh.useStrategy} choose this strategy. */
  String name();

  /**
   * A new strategy for one service.
   *
   * @param settings the service's {@code strategyOptions}; empty, never null, when it has none
   * @throws IllegalArgumentException naming the bad setting and what it should be
   */
  Strategy create(JsonObject settings);

  /** A factory named {@code name} that makes each strategy with {@code create}. */
  static StrategyFactory of(String name, Function<JsonObject, Strategy> create) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A strategy factory needs a name, got " + (name == null ? "null" : "\"\""));
    }
    Objects.requireNonNull(create, "create");
    return new StrategyFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Strategy create(JsonObject settings) {
        return create.apply(settings);
      }

      @Override
      public String toString() {
        return "strategy '" + name + "'";
      }
    };
  }

  /**
   * The built-in or ServiceLoader-registered factory named {@code name}.
   *
   * @throws IllegalArgumentException naming every strategy known, when none is named {@code name}
   */
  static StrategyFactory named(String name) {
    return StrategyCatalog.get(name);
  }

  /** The names of the built-in and ServiceLoader-registered strategies. */
  static Set<String> names() {
    return StrategyCatalog.names();
  }
}
