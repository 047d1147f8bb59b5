package io.busmesh.bench;

import io.busmesh.Publication;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Samples the replicas' own in-flight counts (what each replica is really executing, whoever sent
 * it) every millisecond between {@code {"op": "start"}} and {@code {"op": "stop"}}, and answers the
 * stop with the mean over samples of max/mean across replicas: 1.0 is a perfectly even load.
 */
final class InFlightSampler implements Handler<Message<JsonObject>> {

  private static final long PERIOD_MS = 1;

  private final Vertx vertx;
  private final List<Publication> replicas;
  private long timer = -1;
  private long samples;
  private double maxOverMeanSum;
  private double meanSum;

  InFlightSampler(Vertx vertx, List<Publication> replicas) {
    this.vertx = vertx;
    this.replicas = replicas;
  }

  @Override
  public void handle(Message<JsonObject> message) {
    String op = message.body() == null ? "" : message.body().getString("op", "");
    switch (op) {
      case "start" -> {
        stopTimer();
        samples = 0;
        maxOverMeanSum = 0;
        meanSum = 0;
        timer = vertx.setPeriodic(PERIOD_MS, id -> sample());
        message.reply(new JsonObject());
      }
      case "stop" -> {
        stopTimer();
        message.reply(new JsonObject().put("samples", samples)
            .put("maxOverMean", samples == 0 ? 0 : maxOverMeanSum / samples)
            .put("meanInFlight", samples == 0 ? 0 : meanSum / samples));
      }
      default -> message.fail(400, "bench.sampler takes {\"op\": \"start\"} or {\"op\": \"stop\"}, got " + message.body());
    }
  }

  private void sample() {
    int max = 0;
    int sum = 0;
    for (Publication replica : replicas) {
      int inFlight = replica.inFlight();
      max = Math.max(max, inFlight);
      sum += inFlight;
    }
    if (sum > 0) {
      double mean = (double) sum / replicas.size();
      samples++;
      maxOverMeanSum += max / mean;
      meanSum += mean;
    }
  }

  private void stopTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
