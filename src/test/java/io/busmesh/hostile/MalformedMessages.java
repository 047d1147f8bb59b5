package io.busmesh.hostile;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Random;

/**
 * The junk a fuzzer sends to service names and replica addresses: wrong body types, missing, unknown
 * and forged method names, bad headers, arguments of the wrong type, deep and large JSON, and a body
 * whose codec exists only on the sender (so no other node can decode it). Deterministic per seed.
 */
final class MalformedMessages {

  /** One message: what it is (for the report), its body and its headers. */
  record Junk(String kind, Object body, MultiMap headers) {
    DeliveryOptions options(long timeoutMs) {
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs).setHeaders(headers);
      return body instanceof Opaque ? options.setCodecName(OpaqueCodec.NAME) : options;
    }
  }

  /** A body type only the fuzzing node can encode and no other node can decode. */
  record Opaque(byte[] bytes) {
  }

  static final class OpaqueCodec implements MessageCodec<Opaque, Opaque> {
    static final String NAME = "fuzz-opaque";

    @Override
    public void encodeToWire(Buffer buffer, Opaque o) {
      buffer.appendInt(o.bytes().length).appendBytes(o.bytes());
    }

    @Override
    public Opaque decodeFromWire(int pos, Buffer buffer) {
      return new Opaque(buffer.getBytes(pos + 4, pos + 4 + buffer.getInt(pos)));
    }

    @Override
    public Opaque transform(Opaque o) {
      return o;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  static final String FORGED_LINE = "SEVERE: forged log line";
  /** Kinds that start with this are odd but valid calls: they must be answered, the rest refused. */
  static final String VALID_CALL = "valid call";
  private static final int KINDS = 14;

  private final Random random;
  private final int largeEvery;

  /** @param largeEvery one message in this many is a 1–2 MB body (they dominate the run's time and memory) */
  MalformedMessages(long seed, int largeEvery) {
    this.random = new Random(seed);
    this.largeEvery = largeEvery;
  }

  Junk next(int index) {
    if (index % largeEvery == largeEvery - 1) {
      return new Junk("large body", new JsonObject().put("a", "x".repeat(1_000_000 + random.nextInt(1_000_000))).put("b", 1),
          action("add"));
    }
    return switch (index % KINDS) {
      case 0 -> new Junk("string body", "junk " + random.nextInt(), action("add"));
      case 1 -> new Junk("number body", random.nextInt(), action("add"));
      case 2 -> new Junk("array body", new JsonArray().add(1).add("two"), action("add"));
      case 3 -> new Junk("binary body", Buffer.buffer(bytes(64)), action("add"));
      case 4 -> new Junk("no body", null, action("add"));
      case 5 -> new Junk("no action", new JsonObject().put("a", 1).put("b", 2), MultiMap.caseInsensitiveMultiMap());
      case 6 -> new Junk("unknown action", new JsonObject().put("a", 1).put("b", 2), action("nope" + random.nextInt(100)));
      case 7 -> new Junk("log-forging action", new JsonObject(), action("add\n" + FORGED_LINE + "\r\n"));
      case 8 -> new Junk("10k-char action", new JsonObject(), action("a".repeat(10_000)));
      case 9 -> new Junk("wrong argument types", new JsonObject().put("a", "x").put("b", new JsonArray().add(1)), action("add"));
      case 10 -> new Junk("deep JSON", deep(1_001 + random.nextInt(500)), action("add"));
      case 11 -> new Junk("undecodable body", new Opaque(bytes(32)), action("add"));
      case 12 -> new Junk(VALID_CALL + " with 100 KB of headers", new JsonObject().put("a", 1).put("b", 2), manyHeaders());
      default -> new Junk(VALID_CALL + " with a junk deadline header", new JsonObject().put("a", 1).put("b", 2),
          action("add").add("busmesh-deadline", "soon\n" + FORGED_LINE));
    };
  }

  private static MultiMap action(String name) {
    return MultiMap.caseInsensitiveMultiMap().add("action", name);
  }

  private MultiMap manyHeaders() {
    MultiMap headers = action("add");
    for (int i = 0; i < 100; i++) {
      headers.add("x-junk-" + i, "v".repeat(1_000));
    }
    return headers;
  }

  private static JsonObject deep(int depth) {
    JsonObject root = new JsonObject();
    JsonObject current = root;
    for (int i = 0; i < depth; i++) {
      JsonObject child = new JsonObject();
      current.put("a", child);
      current = child;
    }
    return root;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
