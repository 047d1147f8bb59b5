package io.busmesh.test;

import io.busmesh.ConfigReader;
import io.busmesh.strategy.CallInfo;
import io.busmesh.strategy.Candidate;
import io.busmesh.strategy.Strategy;
import io.busmesh.strategy.StrategyFactory;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A strategy written as a user would, against the public SPI only: every call goes to the first
 * candidate (the lowest replica address), or to the one whose address ends with the {@code suffix}
 * setting. Registered for the tests in {@code META-INF/services/io.busmesh.strategy.StrategyFactory}.
 */
public final class FirstReplicaStrategy implements Strategy {

  public static final String NAME = "first-replica";

  private final String suffix;

  private FirstReplicaStrategy(String suffix) {
    this.suffix = suffix;
  }

  @Override
  public <C extends Candidate> C pick(List<C> candidates, CallInfo call) {
    for (C candidate : candidates) {
      if (suffix != null && candidate.replica().address().endsWith(suffix)) {
        return candidate;
      }
    }
    return candidates.get(0);
  }

  /** The factory the ServiceLoader finds: public, with a public no-argument constructor. */
  public static final class Factory implements StrategyFactory {

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Strategy create(JsonObject settings) {
      return new FirstReplicaStrategy(new ConfigReader("settings of strategy '" + NAME + "'", settings, "suffix")
          .string("suffix", null));
    }
  }
}
