package io.busmesh.impl.balance;

import io.busmesh.Replica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;

/** A replica whose attempts wait until the test answers or fails them, in any order. */
final class FakeTarget implements AttemptTarget {

  /** One attempt sent to this replica. */
  record Attempt(RoutedCall call, long timeoutMs, boolean panic) {
  }

  final String address;
  final List<Attempt> attempts = new ArrayList<>();
  int oneWay;
  private final Replica replica;

  FakeTarget(String address) {
    this.address = address;
    String node = address.split("\\.")[3];
    this.replica = new Replica("svc", address, node, 1, "", 0, null);
  }

  @Override
  public void forward(RoutedCall call, long timeoutMs, boolean panic) {
    attempts.add(new Attempt(call, timeoutMs, panic));
  }

  @Override
  public void sendOneWay(RoutedCall call) {
    oneWay++;
  }

  /** Attempt {@code i} is answered with {@code body}. */
  void answer(int i, Object body) {
    attempts.get(i).call().attemptEnded(this, new Reply(body), null);
  }

  /** Attempt {@code i} fails with {@code cause}. */
  void fail(int i, Throwable cause) {
    attempts.get(i).call().attemptEnded(this, null, cause);
  }

  @Override
  public Replica replica() {
    return replica;
  }

  @Override
  public double inFlight() {
    return 0;
  }

  @Override
  public double latencyEwmaNanos() {
    return 0;
  }

  @Override
  public double latencyAverageNanos() {
    return 0;
  }

  @Override
  public double errorRate() {
    return 0;
  }

  @Override
  public double warmth() {
    return 1;
  }

  @Override
  public String toString() {
    return address;
  }

  /** A replica's answer, without headers. */
  private record Reply(Object body) implements Message<Object> {

    @Override
    public String address() {
      return "__vertx.reply.fake";
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }

    @Override
    public String replyAddress() {
      return null;
    }

    @Override
    public boolean isSend() {
      return true;
    }

    @Override
    public void reply(Object message, DeliveryOptions options) {
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
      throw new UnsupportedOperationException();
    }
  }
}
