package io.busmesh.impl.balance;

import io.busmesh.ReplicaMetrics;
import io.busmesh.ServiceMetrics;
import io.busmesh.impl.metrics.CallWindow;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.circuitbreaker.CircuitBreakerState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The mesh's figures as Micrometer meters ({@code busmesh_*} in Prometheus), per service and per
 * replica. Nothing here runs on the path of a call: {@link #update} copies the figures the balancer
 * keeps anyway into plain holders, once a period on the balancer's loop, and the meters read those
 * holders when scraped. Per-replica series are bounded: the first {@code maxReplicaSeries} replicas
 * of a service (by address) have their own; every replica counts in its service's series.
 */
final class MeshMeters {

  private static final String[] OUTCOMES = {"ok", "error", "fault"};
  private static final String[] QUANTILES = {"0.5", "0.99"};

  private final MeterRegistry registry;
  private final int maxReplicaSeries;
  private final Map<String, ServiceSeries> services = new HashMap<>();
  private final List<Meter> nodeMeters = new ArrayList<>();
  private volatile double loadViewAgeSeconds = Double.NaN;

  MeshMeters(MeterRegistry registry, int maxReplicaSeries, IntSupplier publishedReplicas) {
    this.registry = registry;
    this.maxReplicaSeries = maxReplicaSeries;
    nodeMeters.add(Gauge.builder("busmesh.node.replicas.published", publishedReplicas, IntSupplier::getAsInt)
        .description("Replicas this node publishes").register(registry));
    nodeMeters.add(Gauge.builder("busmesh.load.view.age", this, m -> m.loadViewAgeSeconds).baseUnit("seconds")
        .description("Age of the shared in-flight view: time since the other nodes' counts were read").register(registry));
  }

  /** Copies the figures of every service this node calls into the meters; on the balancer's loop. */
  void update(RouteTable routes, MetricsPublisher metrics) {
    Set<String> seen = new HashSet<>();
    for (ServiceRoute route : routes.routes()) {
      List<ReplicaClient> replicas = routes.registered(route.service());
      if (!route.isActive() || replicas.isEmpty()) {
        continue;
      }
      seen.add(route.service());
      ServiceMetrics figures = metrics.metricsOf(route.service());
      loadViewAgeSeconds = figures.loadViewAgeMs() < 0 ? Double.NaN : figures.loadViewAgeMs() / 1_000.0;
      services.computeIfAbsent(route.service(), service -> new ServiceSeries(route)).update(route, replicas, figures);
    }
    services.entrySet().removeIf(entry -> {
      if (seen.contains(entry.getKey())) {
        return false;
      }
      entry.getValue().remove();
      return true;
    });
  }

  /** Removes every meter this made from the registry. */
  void close() {
    services.values().forEach(ServiceSeries::remove);
    services.clear();
    nodeMeters.forEach(registry::remove);
  }

  /** A service's series, and those of its replicas that have their own. */
  private final class ServiceSeries {

    final String service;
    final List<Meter> meters = new ArrayList<>();
    final Map<String, ReplicaSeries> replicas = new HashMap<>();
    /** Totals of replicas that left, so that the service's counters never go down. */
    final long[] departed = new long[OUTCOMES.length];
    final Map<String, long[]> lastTotals = new HashMap<>();
    volatile long[] attempts = new long[OUTCOMES.length]; // replaced whole: a scrape reads one period's figures
    volatile double inFlight;
    volatile double p50Seconds = Double.NaN;
    volatile double p99Seconds = Double.NaN;
    volatile double errorRate;
    volatile double panic;
    volatile double replicaCount;
    volatile double budgetCalls;
    volatile double budgetRetries;
    volatile ServiceRoute route; // the counters read its adders; the table may replace a route it pruned

    ServiceSeries(ServiceRoute route) {
      this.service = route.service();
      this.route = route;
      Tags tags = Tags.of("service", service);
      for (int i = 0; i < OUTCOMES.length; i++) {
        int outcome = i;
        meters.add(FunctionCounter.builder("busmesh.service.attempts", this, s -> s.attempts[outcome])
            .tags(tags.and("outcome", OUTCOMES[i])).description("Attempts of this node's calls to the service, by outcome")
            .register(registry));
      }
      gauge(meters, this, "busmesh.service.in.flight", tags, s -> s.inFlight, null,
          "This node's calls to the service in flight");
      gauge(meters, this, "busmesh.service.latency", tags.and("quantile", QUANTILES[0]), s -> s.p50Seconds, "seconds",
          "Attempt latency over the metrics window");
      gauge(meters, this, "busmesh.service.latency", tags.and("quantile", QUANTILES[1]), s -> s.p99Seconds, "seconds",
          "Attempt latency over the metrics window");
      gauge(meters, this, "busmesh.service.error.ratio", tags, s -> s.errorRate, null,
          "Share of attempts that failed over the window");
      gauge(meters, this, "busmesh.service.panic", tags, s -> s.panic, null,
          "1 while no replica's breaker is closed and calls go to all");
      gauge(meters, this, "busmesh.service.replicas", tags, s -> s.replicaCount, null,
          "Replicas of the service in this node's view");
      gauge(meters, this, "busmesh.service.retry.budget.calls", tags, s -> s.budgetCalls, null,
          "Calls in the retry budget's window, cluster-wide");
      gauge(meters, this, "busmesh.service.retry.budget.retries", tags, s -> s.budgetRetries, null,
          "Retries in the retry budget's window, cluster-wide");
      counter("busmesh.service.hedges", tags, r -> r.hedgesSent().sum(), "Hedged attempts this node sent");
      counter("busmesh.service.retries", tags, r -> r.retries().sum(), "Retries after a failed attempt");
      counter("busmesh.service.breaker.refusals", tags, r -> r.breakerRefusals().sum(),
          "Picks refused by the replica's breaker (open, or half-open with its probe under way)");
      counter("busmesh.service.retry.budget.exhausted", tags, r -> r.budgetExhausted().sum(),
          "Calls failed because the retry budget had no retry left");
    }

    /** A counter of the route's own adders, read when scraped (they only grow). */
    private void counter(String name, Tags tags, ToDoubleFunction<ServiceRoute> value, String description) {
      meters.add(FunctionCounter.builder(name, this, s -> value.applyAsDouble(s.route)).tags(tags)
          .description(description).register(registry));
    }

    void update(ServiceRoute route, List<ReplicaClient> clients, ServiceMetrics figures) {
      Map<String, ReplicaMetrics> byAddress = new HashMap<>();
      figures.replicas().forEach(r -> byAddress.put(r.address(), r));
      Set<String> present = new HashSet<>();
      Set<String> withSeries = new HashSet<>();
      long[] sum = departed.clone();
      List<ReplicaClient> sorted = new ArrayList<>(clients);
      sorted.sort(Comparator.comparing(c -> c.replica().address()));
      for (ReplicaClient client : sorted) {
        String address = client.replica().address();
        present.add(address);
        long[] totals = totals(client.load().window().totals());
        lastTotals.put(address, totals);
        for (int o = 0; o < sum.length; o++) {
          sum[o] += totals[o];
        }
        ReplicaMetrics replica = byAddress.get(address);
        if (withSeries.size() < maxReplicaSeries && replica != null) {
          withSeries.add(address);
          replicas.computeIfAbsent(address, a -> new ReplicaSeries(service, a))
              .update(totals, replica, client.breakerState(), route.ejected().contains(address));
        }
      }
      lastTotals.entrySet().removeIf(entry -> {
        if (present.contains(entry.getKey())) {
          return false;
        }
        for (int o = 0; o < departed.length; o++) {
          departed[o] += entry.getValue()[o];
          sum[o] += entry.getValue()[o];
        }
        return true;
      });
      replicas.entrySet().removeIf(entry -> {
        if (withSeries.contains(entry.getKey())) {
          return false;
        }
        entry.getValue().meters.forEach(registry::remove);
        return true;
      });
      attempts = sum;
      inFlight = route.inFlight();
      p50Seconds = figures.calls() == 0 ? Double.NaN : figures.p50Us() / 1e6;
      p99Seconds = figures.calls() == 0 ? Double.NaN : figures.p99Us() / 1e6;
      errorRate = figures.errorRate();
      panic = route.snapshot().panicking() ? 1 : 0;
      replicaCount = clients.size();
      budgetCalls = figures.budgetCalls();
      budgetRetries = figures.budgetRetries();
      this.route = route;
    }

    void remove() {
      meters.forEach(registry::remove);
      replicas.values().forEach(r -> r.meters.forEach(registry::remove));
      replicas.clear();
    }
  }

  /** One replica's series. */
  private final class ReplicaSeries {

    final List<Meter> meters = new ArrayList<>();
    volatile long[] attempts = new long[OUTCOMES.length];
    volatile double clusterInFlight;
    volatile double localInFlight;
    volatile double p50Seconds = Double.NaN;
    volatile double p99Seconds = Double.NaN;
    volatile double errorRate;
    volatile double warmth;
    volatile double ejected;
    volatile CircuitBreakerState breaker = CircuitBreakerState.CLOSED;

    ReplicaSeries(String service, String address) {
      Tags tags = Tags.of("service", service, "replica", address);
      for (int i = 0; i < OUTCOMES.length; i++) {
        int outcome = i;
        meters.add(FunctionCounter.builder("busmesh.attempts", this, r -> r.attempts[outcome])
            .tags(tags.and("outcome", OUTCOMES[i])).description("Attempts this node sent to the replica, by outcome")
            .register(registry));
      }
      gauge(meters, this, "busmesh.replica.in.flight", tags.and("scope", "cluster"), r -> r.clusterInFlight, null,
          "Calls in flight to the replica: cluster-wide, or this node's own");
      gauge(meters, this, "busmesh.replica.in.flight", tags.and("scope", "local"), r -> r.localInFlight, null,
          "Calls in flight to the replica: cluster-wide, or this node's own");
      gauge(meters, this, "busmesh.replica.latency", tags.and("quantile", QUANTILES[0]), r -> r.p50Seconds, "seconds",
          "Attempt latency over the metrics window");
      gauge(meters, this, "busmesh.replica.latency", tags.and("quantile", QUANTILES[1]), r -> r.p99Seconds, "seconds",
          "Attempt latency over the metrics window");
      gauge(meters, this, "busmesh.replica.error.ratio", tags, r -> r.errorRate, null,
          "Share of attempts that failed over the window");
      gauge(meters, this, "busmesh.replica.warmth", tags, r -> r.warmth, null, "Slow-start factor, 1 when warm");
      gauge(meters, this, "busmesh.replica.ejected", tags, r -> r.ejected, null,
          "1 while outlier detection keeps the replica out");
      for (CircuitBreakerState state : CircuitBreakerState.values()) {
        gauge(meters, this, "busmesh.replica.breaker.state", tags.and("state", state.name().toLowerCase(Locale.ROOT)),
            r -> r.breaker == state ? 1 : 0, null, "1 for the state this node's breaker of the replica is in");
      }
    }

    void update(long[] totals, ReplicaMetrics figures, CircuitBreakerState state, boolean isEjected) {
      attempts = totals;
      clusterInFlight = figures.inFlight();
      localInFlight = figures.localInFlight();
      p50Seconds = figures.calls() == 0 ? Double.NaN : figures.p50Us() / 1e6;
      p99Seconds = figures.calls() == 0 ? Double.NaN : figures.p99Us() / 1e6;
      errorRate = figures.errorRate();
      warmth = figures.warmth();
      ejected = isEjected ? 1 : 0;
      breaker = state;
    }
  }

  /** Registers a gauge of {@code holder} and keeps it in {@code meters}, so that it can be removed with the rest. */
  private <T> void gauge(List<Meter> meters, T holder, String name, Tags tags, ToDoubleFunction<T> value, String unit,
                         String description) {
    meters.add(Gauge.builder(name, holder, value).tags(tags).baseUnit(unit).description(description).register(registry));
  }

  private static long[] totals(CallWindow.Totals totals) {
    return new long[] {totals.succeeded(), totals.applicationErrors(), totals.faults()};
  }
}
