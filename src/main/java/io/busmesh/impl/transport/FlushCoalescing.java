package io.busmesh.impl.transport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.internal.net.NetSocketInternal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coalesces the flushes of this node's event-bus connections to other nodes. Vert.x flushes every
 * message it writes to another node at once: one write system call per message, and on the other
 * node one wake-up of its reader per message. With {@link HoldFlushWhileLoopBusy} (Netty's
 * {@code FlushConsolidationHandler}, held only while the loop has work queued) in a connection's
 * pipeline, a message written while the connection's event loop has more tasks queued waits for
 * them, and the messages they write leave with it in one write, at most {@value #MAX_FLUSHES_HELD}
 * (gRPC Java's write queue batches the same way). A message with nothing queued behind it leaves at
 * once, as in plain Vert.x. Under load, at 16 calls in flight and more, calls and answers leave in
 * batches, and both nodes spend less CPU per message than plain Vert.x.
 * <p>
 * Vert.x has no hook into the pipelines of its event-bus connections, so this reads two private
 * fields of its clustered event bus ({@code ClusteredEventBus.outboundConnections} and
 * {@code OutboundConnection.socket}; Vert.x 5.0). Should they change, it says so once and does
 * nothing: every message is then flushed alone, as in plain Vert.x.
 */
public final class FlushCoalescing {

  private static final Logger log = LoggerFactory.getLogger(FlushCoalescing.class);
  /** The name of the handler in a connection's pipeline. */
  static final String HANDLER_NAME = "busmesh-flush-coalescing";
  /** Flushes held back at most before one goes through anyway (Netty's default). */
  static final int MAX_FLUSHES_HELD = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;
  /** Vert.x's own handler, the last in the pipeline: flushes come from it, so ours goes just before. */
  private static final String VERTX_HANDLER_NAME = "handler";
  private static final String CLUSTERED_BUS = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  private static final String CONNECTION = "io.vertx.core.eventbus.impl.clustered.OutboundConnection";

  /** Does nothing: a bus that is not clustered has no connection to coalesce, or coalescing is off. */
  public static final FlushCoalescing OFF = new FlushCoalescing(null, null);

  /** Vert.x's outbound connections by node id; null when off. */
  private final Map<?, ?> connections;
  private final Field socket;
  private boolean stopped;

  private FlushCoalescing(Map<?, ?> connections, Field socket) {
    this.connections = connections;
    this.socket = socket;
  }

  /** Coalescing for the connections of {@code bus}; {@link #OFF} if it is not clustered or this Vert.x has no such fields. */
  public static FlushCoalescing of(EventBus bus) {
    Class<?> type = bus.getClass();
    while (type != null && !type.getName().equals(CLUSTERED_BUS)) {
      type = type.getSuperclass();
    }
    if (type == null) {
      return OFF;
    }
    try {
      Field connections = type.getDeclaredField("outboundConnections");
      connections.setAccessible(true);
      Field socket = Class.forName(CONNECTION, false, type.getClassLoader()).getDeclaredField("socket");
      socket.setAccessible(true);
      return new FlushCoalescing((Map<?, ?>) connections.get(bus), socket);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn("busmesh cannot coalesce the flushes of this Vert.x's event-bus connections (" + e + "): every message"
          + " to another node is written alone, which costs more CPU under load. Use the Vert.x version busmesh was built for.");
      return OFF;
    }
  }

  public boolean isOn() {
    return connections != null;
  }

  /**
   * Puts the handler into every open connection that does not have it yet; cheap when all have it. Any thread.
   *
   * @return the connections it was put into
   */
  public synchronized int coalesceNewConnections() {
    int added = 0;
    if (stopped) {
      return added; // a warm-up answered after the mesh left
    }
    for (ChannelPipeline pipeline : pipelines()) {
      if (pipeline.get(HANDLER_NAME) == null && pipeline.get(VERTX_HANDLER_NAME) != null) {
        try {
          pipeline.addBefore(VERTX_HANDLER_NAME, HANDLER_NAME, new HoldFlushWhileLoopBusy(MAX_FLUSHES_HELD));
          added++;
        } catch (RuntimeException e) {
          // Vert.x's handler went between the two calls: the connection closed.
        }
      }
    }
    return added;
  }

  /** Takes the handler out of every connection again (it flushes what it holds): the mesh leaves Vert.x as it was. */
  public synchronized void stop() {
    if (connections == null) {
      return; // OFF, shared by every mesh that does not coalesce
    }
    stopped = true;
    for (ChannelPipeline pipeline : pipelines()) {
      try {
        pipeline.remove(HANDLER_NAME);
      } catch (RuntimeException e) {
        // Not there: a connection opened after the last round, or closed.
      }
    }
  }

  /** The pipelines of the connections that are open now. */
  List<ChannelPipeline> pipelines() {
    List<ChannelPipeline> pipelines = new ArrayList<>();
    if (connections == null) {
      return pipelines;
    }
    for (Object connection : connections.values()) {
      Object open;
      try {
        synchronized (connection) { // as Vert.x sets it
          open = socket.get(connection);
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e); // made accessible in of()
      }
      if (open instanceof NetSocketInternal internal) {
        pipelines.add(internal.channelHandlerContext().pipeline());
      }
    }
    return pipelines;
  }
}
