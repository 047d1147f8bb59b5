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

  public Replica {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(nodeId, "nodeId");
    zone = zone == null ? "" : zone;
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

  /** Reads a registry entry; fails with a message naming the field when an entry is malformed. */
  public static Replica fromJson(JsonObject json) {
    try {
      JsonArray idempotent = json.getJsonArray("idempotentMethods", new JsonArray());
      Set<String> methods = new TreeSet<>();
      for (Object method : idempotent) {
        methods.add((String) method);
      }
      return new Replica(json.getString("service"), json.getString("address"), json.getString("nodeId"),
          json.getInteger("weight", 1), json.getString("zone", ""), json.getLong("startedAt", 0L),
          json.getJsonObject("metadata"), methods);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed replica entry " + json.encode() + ": " + e.getMessage(), e);
    }
  }
}
