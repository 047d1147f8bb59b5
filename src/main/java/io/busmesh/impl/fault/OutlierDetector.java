package io.busmesh.impl.fault;

import io.busmesh.ConfigReader;
import io.busmesh.ServiceOptions;
import io.busmesh.impl.load.Clock;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Outlier ejection (Envoy's outlier detection, Finagle's failure accrual): a replica whose error
 * rate, or smooth latency, stands out from its peers' median is taken out of selection for a period
 * that grows with each ejection, and never more than a share of the replicas at once, so that a
 * service-wide problem cannot eject everything. Evaluated periodically, off the path of calls.
 */
public final class OutlierDetector {

  /** What the detector looks at for one replica. */
  public record Figures(String address, double errorRate, double latencyNanos) {
  }

  private final Clock clock;
  private final double errorRate;
  private final double latencyFactor;
  private final long baseEjectionNanos;
  private final double maxEjectedShare;
  private final Map<String, Long> ejectedUntil = new HashMap<>();
  private final Map<String, Integer> ejections = new HashMap<>();

  /**
   * @param errorRate       a replica at or above this error rate, and this much above its peers' median, is an outlier
   * @param latencyFactor   a replica slower than this many times its peers' median latency is an outlier
   * @param baseEjectionMs  first ejection period; the n-th lasts n times as long
   * @param maxEjectedShare most replicas out at once, as a share of the service's (at least one stays)
   */
  public OutlierDetector(Clock clock, double errorRate, double latencyFactor, long baseEjectionMs, double maxEjectedShare) {
    this.clock = clock;
    this.errorRate = errorRate;
    this.latencyFactor = latencyFactor;
    this.baseEjectionNanos = baseEjectionMs * 1_000_000L;
    this.maxEjectedShare = maxEjectedShare;
  }

  /** Reads {@code {"errorRate": 0.5, "latencyFactor": 5, "baseEjectionMs": 10000, "maxEjectedShare": 0.5}} (all optional). */
  public static OutlierDetector fromSettings(Clock clock, JsonObject settings) {
    ConfigReader in = new ConfigReader("outlier ejection settings", settings, "errorRate", "latencyFactor",
        "baseEjectionMs", "maxEjectedShare");
    return new OutlierDetector(clock, in.fraction("errorRate", 0.5), in.doubleBetween("latencyFactor", 5, 0, 1_000),
        in.longBetween("baseEjectionMs", 10_000, 1, ServiceOptions.MAX_DURATION_MS), in.fraction("maxEjectedShare", 0.5));
  }

  /** Decides which replicas are ejected now; returns their addresses. */
  public Set<String> evaluate(List<Figures> replicas) {
    long now = clock.nanoTime();
    ejectedUntil.values().removeIf(until -> until <= now);
    ejectedUntil.keySet().removeIf(address -> replicas.stream().noneMatch(r -> r.address().equals(address)));
    int maxEjected = Math.min(replicas.size() - 1, (int) Math.floor(replicas.size() * maxEjectedShare));
    if (replicas.size() >= 2) {
      double medianErrors = median(replicas.stream().map(Figures::errorRate).toList());
      double medianLatency = median(replicas.stream().map(Figures::latencyNanos).filter(l -> l > 0).toList());
      List<Figures> outliers = new ArrayList<>();
      for (Figures r : replicas) {
        boolean failing = r.errorRate() >= errorRate && r.errorRate() - medianErrors >= errorRate / 2;
        boolean slow = latencyFactor > 0 && medianLatency > 0 && r.latencyNanos() > latencyFactor * medianLatency;
        if ((failing || slow) && !ejectedUntil.containsKey(r.address())) {
          outliers.add(r);
        }
      }
      outliers.sort(Comparator.comparingDouble(Figures::errorRate).thenComparingDouble(Figures::latencyNanos).reversed());
      for (Figures r : outliers) {
        if (ejectedUntil.size() >= maxEjected) {
          break;
        }
        int count = ejections.merge(r.address(), 1, Integer::sum);
        ejectedUntil.put(r.address(), now + count * baseEjectionNanos);
      }
    }
    return new HashSet<>(ejectedUntil.keySet());
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }
}
