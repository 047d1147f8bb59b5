package io.busmesh.impl.registry;

import io.busmesh.Replica;
import io.busmesh.impl.log.LogText;
import io.vertx.core.json.JsonObject;

import java.util.function.UnaryOperator;

/** The message a registry change sends to each balancer: {@code {"added": replica}} or {@code {"removed": address}}. */
public final class ViewChange {

  private ViewChange() {
  }

  static JsonObject added(Replica replica) {
    return new JsonObject().put("added", replica.toJson());
  }

  static JsonObject removed(String address) {
    return new JsonObject().put("removed", address);
  }

  /** Reads a change message as an update of a view; fails with a clear message when it is malformed. */
  public static UnaryOperator<ReplicaView> parse(Object change) {
    if (!(change instanceof JsonObject json)) {
      throw new IllegalArgumentException("registry change must be a JSON object, got " + LogText.typeOf(change));
    }
    if (json.getValue("added") instanceof JsonObject added) {
      Replica replica = Replica.fromJson(added);
      return view -> view.with(replica);
    }
    if (json.getValue("removed") instanceof String address && address.length() <= Replica.MAX_NAME_CHARS) {
      return view -> view.without(address);
    }
    throw new IllegalArgumentException("registry change must hold 'added' (a replica) or 'removed' (an address), got"
        + " the keys " + LogText.quote(json.fieldNames()));
  }
}
