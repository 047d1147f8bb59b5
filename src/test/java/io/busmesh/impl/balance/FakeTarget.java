package io.busmesh.impl.balance;

import io.busmesh.Replica;
import io.busmesh.test.FakeMessage;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.Message;

import java.util.ArrayList;
import java.util.List;

/** A replica whose attempts wait until the test answers or fails them, in any order. */
final class FakeTarget implements AttemptTarget {

  /** One attempt sent to this replica, with the headers it carried; {@code relayed} when it carried the caller's reply address. */
  record Attempt(RoutedCall call, long timeoutMs, boolean panic, Relayed relayed, MultiMap headers) {
  }

  /** A relayed attempt: its answer arrives at the caller's reply address, through {@link RelayedReplies}. */
  final class Relayed implements RelayedAttempt {
    private final RoutedCall call;
    private boolean ended;

    Relayed(RoutedCall call) {
      this.call = call;
    }

    @Override
    public boolean hasEnded() {
      return ended;
    }

    @Override
    public boolean answered(Message<Object> answer) {
      ended = true;
      return answer.body() instanceof Throwable failure ? call.attemptEnded(FakeTarget.this, null, failure, true)
          : call.attemptEnded(FakeTarget.this, answer, null, true);
    }

    void timedOut(Throwable cause) {
      ended = true;
      call.attemptEnded(FakeTarget.this, null, cause, false);
    }
  }

  final String address;
  final List<Attempt> attempts = new ArrayList<>();
  int oneWay;
  private final Replica replica;
  private boolean relays;

  FakeTarget(String address) {
    this.address = address;
    String node = address.split("\\.")[3];
    this.replica = new Replica("svc", address, node, 1, "", 0, null);
  }

  /** From now on, relays the attempts that may be (as a replica client does with a closed breaker). */
  FakeTarget relaying() {
    relays = true;
    return this;
  }

  @Override
  public void forward(RoutedCall call, long timeoutMs, boolean panic) {
    Relayed relayed = relays && call.mayRelay() ? new Relayed(call) : null;
    attempts.add(new Attempt(call, timeoutMs, panic, relayed, call.attemptHeaders()));
    if (relayed != null) {
      call.relaying(relayed);
    }
  }

  @Override
  public void sendOneWay(RoutedCall call) {
    oneWay++;
  }

  /** Whether attempt {@code i} was relayed. */
  boolean relayed(int i) {
    return attempts.get(i).relayed() != null;
  }

  /** Relayed attempt {@code i} times out (or fails otherwise) before its answer comes. */
  void timeOut(int i, Throwable cause) {
    attempts.get(i).relayed().timedOut(cause);
  }

  /** An answer arrives at the caller's reply address of call {@code call}; true if it reached the caller. */
  static boolean arrives(RelayedReplies replies, RoutedCall call, Object body) {
    boolean[] delivered = {false};
    replies.handle(new io.vertx.core.eventbus.DeliveryContext<>() {
      @Override
      public Message<Object> message() {
        return reply(call.replyAddress(), body);
      }

      @Override
      public void next() {
        delivered[0] = true;
      }

      @Override
      public boolean send() {
        return true;
      }

      @Override
      public Object body() {
        return body;
      }
    });
    return delivered[0];
  }

  /** Attempt {@code i} is answered with {@code body}. */
  void answer(int i, Object body) {
    attempts.get(i).call().attemptEnded(this, reply("__vertx.reply.fake", body), null, false);
  }

  /** Attempt {@code i} fails with {@code cause}. */
  void fail(int i, Throwable cause) {
    attempts.get(i).call().attemptEnded(this, null, cause, false);
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

  /** A replica's answer, without headers, to {@code address}. */
  private static Message<Object> reply(String address, Object body) {
    return new FakeMessage<>(address, MultiMap.caseInsensitiveMultiMap(), body, null);
  }
}
