package io.busmesh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One published implementation of a service: where it listens and what the registry knows of it.
 *
 * @param service   the service name callers use as the proxy address
 * @param address   the replica's own clustered event-bus address
 * @param nodeId    the Vert.x node that hosts it; the replica dies with that node
 * @param weight    relative share of traffic for weight-aware strategies (≥ 1)
 * @param zone      free-form locality label, empty when unknown
 * @param startedAt epoch millis when it was registered (slow start needs it)
 * @param metadata  free user data, never interpreted by the mesh
 * @param idempotentMethods methods its service interface declares {@link Idempotent}
 */
public record Replica(String service, String address, String nodeId, int weight, String zone,
                      long startedAt, JsonObject metadata, Set<String> idempotentMethods) {

  /** Longest service name, address, node id or zone: enough for any real one, and keeps junk out of logs and maps. */
  public static final int MAX_NAME_CHARS = 256;
  /** Largest weight: a replica cannot take more than this many times the traffic of a weight-1 one. */
  public static final int MAX_WEIGHT = 1_000;
  /** Largest encoded metadata, in characters. */
  public static final int MAX_METADATA_CHARS = 4_096;
  /** Most methods a replica may declare idempotent. */
  public static final int MAX_IDEMPOTENT_METHODS = 1_000;

  public Replica {
    checkName("service", service);
    checkName("address", address);
    checkName("nodeId", nodeId);
    zone = zone == null ? "" : zone;
    if (!zone.isEmpty()) {
      checkName("zone", zone);
    }
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("replica weight must be between 1 and " + MAX_WEIGHT + ", got " + weight);
    }
    if (startedAt < 0) {
      throw new IllegalArgumentException("replica startedAt must be epoch millis ≥ 0, got " + startedAt);
    }
    if (metadata != null && metadata.encode().length() > MAX_METADATA_CHARS) {
      throw new IllegalArgumentException("replica metadata must encode to at most " + MAX_METADATA_CHARS + " characters");
    }
    if (idempotentMethods != null && idempotentMethods.size() > MAX_IDEMPOTENT_METHODS) {
      throw new IllegalArgumentException("a replica may declare at most " + MAX_IDEMPOTENT_METHODS + " idempotent methods");
    }
    metadata = metadata == null ? new JsonObject() : metadata.copy();
    idempotentMethods = idempotentMethods == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(idempotentMethods));
  }

  /** A replica that declares no idempotent method. */
  public Replica(String service, String address, String nodeId, int weight, String zone, long startedAt,
                 JsonObject metadata) {
    this(service, address, nodeId, weight, zone, startedAt, metadata, Set.of());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("service", service)
        .put("address", address)
        .put("nodeId", nodeId)
        .put("weight", weight)
        .put("zone", zone)
        .put("startedAt", startedAt)
        .put("metadata", metadata.copy())
        .put("idempotentMethods", new JsonArray(List.copyOf(idempotentMethods)));
  }

  /**
   * Reads a registry entry that came from the cluster, checking every field's type and range, and
   * that the address is a replica address of the entry's service (so that no entry can steer calls
   * to another service's name or a control address).
   *
   * @throws IllegalArgumentException saying which field is wrong (no content of the entry is echoed)
   */
  public static Replica fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("malformed replica entry: none");
    }
    String service = field(json, "service", String.class);
    String address = field(json, "address", String.class);
    Object weight = json.getValue("weight", 1);
    if (!(weight instanceof Integer w)) {
      throw new IllegalArgumentException("malformed replica entry: 'weight' must be an integer between 1 and " + MAX_WEIGHT);
    }
    Object startedAt = json.getValue("startedAt", 0L);
    if (!(startedAt instanceof Integer || startedAt instanceof Long)) {
      throw new IllegalArgumentException("malformed replica entry: 'startedAt' must be epoch millis");
    }
    Object idempotent = json.getValue("idempotentMethods", new JsonArray());
    if (!(idempotent instanceof JsonArray methods) || !methods.stream().allMatch(m -> m instanceof String)) {
      throw new IllegalArgumentException("malformed replica entry: 'idempotentMethods' must be an array of method names");
    }
    Object metadata = json.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw new IllegalArgumentException("malformed replica entry: 'metadata' must be a JSON object");
    }
    if (service != null && address != null && !address.startsWith(MeshProtocol.REPLICA_ADDRESS_PREFIX + service + ".")) {
      throw new IllegalArgumentException("malformed replica entry: its address is not a replica address of its service"
          + " (" + MeshProtocol.REPLICA_ADDRESS_PREFIX + "<service>.…)");
    }
    Object zone = json.getValue("zone", "");
    if (!(zone instanceof String)) {
      throw new IllegalArgumentException("malformed replica entry: 'zone' must be a string");
    }
    try {
      Set<String> names = new TreeSet<>();
      methods.forEach(m -> names.add((String) m));
      return new Replica(service, address, field(json, "nodeId", String.class), w, (String) zone,
          ((Number) startedAt).longValue(), (JsonObject) metadata, names);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("malformed replica entry: " + e.getMessage(), e);
    }
  }

  private static <T> T field(JsonObject json, String name, Class<T> type) {
    Object value = json.getValue(name);
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("malformed replica entry: '" + name + "' must be a " + type.getSimpleName().toLowerCase());
    }
    return type.cast(value);
  }

  private static void checkName(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isEmpty() || value.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException("replica " + field + " must be 1 to " + MAX_NAME_CHARS + " characters long");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isWhitespace(value.charAt(i)) || Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException("replica " + field + " must not contain spaces or control characters");
      }
    }
  }
}
