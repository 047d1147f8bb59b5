package io.busmesh.impl.registry;

import io.busmesh.Replica;
import io.busmesh.impl.log.LogText;
import io.vertx.core.json.JsonObject;

import java.util.function.BiPredicate;
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
    return parse(change, "", (signer, service) -> true);
  }

  /**
   * Reads a change message signed by {@code signer} as an update of a view; fails with a clear
   * message when it is malformed or adds a replica of a service {@code signer} may not publish.
   */
  public static UnaryOperator<ReplicaView> parse(Object change, String signer, BiPredicate<String, String> mayPublish) {
    if (!(change instanceof JsonObject json)) {
      throw new IllegalArgumentException("registry change must be a JSON object, got " + LogText.typeOf(change));
    }
    if (json.getValue("added") instanceof JsonObject added) {
      Replica replica = Replica.fromJson(added);
      if (!mayPublish.test(signer, replica.service())) {
        throw new IllegalArgumentException("signer " + LogText.quote(signer) + " may not publish service "
            + LogText.quote(replica.service()) + " (security.publishers)");
      }
      return view -> view.with(replica);
    }
    if (json.getValue("removed") instanceof String address && address.length() <= Replica.MAX_NAME_CHARS) {
      return view -> view.without(address);
    }
    throw new IllegalArgumentException("registry change must hold 'added' (a replica) or 'removed' (an address), got"
        + " the keys " + LogText.quote(json.fieldNames()));
  }
}
