package io.busmesh.strategy;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * What a {@link Strategy} may read of the call it places: the service, the method, the headers and
 * the arguments, as the generated proxy sent them. A view for reading only: a strategy must not
 * change the headers, and cannot answer the call.
 */
public interface CallInfo {

  /** The service name the caller's proxy sent the call to. */
  String service();

  /** The method called (a service proxy's {@code action} header), or null if the message names none. */
  String method();

  /** The call's headers. */
  MultiMap headers();

  /**
   * The call's arguments by parameter name (the JSON body a generated proxy sends), or null when the
   * body is not a JSON object.
   */
  JsonObject arguments();
}
