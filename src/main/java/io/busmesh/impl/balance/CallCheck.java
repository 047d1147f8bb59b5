package io.busmesh.impl.balance;

import io.busmesh.MeshProtocol;
import io.busmesh.impl.log.LogText;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * What a generated service proxy always sends, checked before a call is routed: a JSON object of
 * arguments and an {@code action} header naming a Java method. Anything else would fail at every
 * replica, or worse, be forwarded to one that cannot decode it; so it fails here, at once.
 */
final class CallCheck {

  /** Longer than any sensible method name, short enough to keep junk out of logs and strategies. */
  static final int MAX_METHOD_CHARS = 128;

  private CallCheck() {
  }

  /** Why {@code call}, whose body is {@code body}, is not a service-proxy call, or null when it is one. */
  static String problem(Message<Object> call, Object body) {
    if (!call.isSend()) {
      return "it was published to every consumer rather than sent to one";
    }
    if (!(body instanceof JsonObject)) {
      return "its body must be a JSON object of named arguments, got " + LogText.typeOf(body);
    }
    String method = call.headers().get(MeshProtocol.ACTION_HEADER);
    if (method == null) {
      return "it has no '" + MeshProtocol.ACTION_HEADER + "' header naming the method to call";
    }
    if (!isMethodName(method)) {
      return "its '" + MeshProtocol.ACTION_HEADER + "' header " + LogText.quote(method) + " is not a method name";
    }
    return null;
  }

  /** A Java identifier of at most {@link #MAX_METHOD_CHARS} characters. */
  static boolean isMethodName(String name) {
    int length = name.length();
    if (length == 0 || length > MAX_METHOD_CHARS || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      if (!Character.isJavaIdentifierPart(name.charAt(i)) || Character.isIdentifierIgnorable(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
