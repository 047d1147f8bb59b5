package io.busmesh.strategy;

import io.vertx.core.json.JsonObject;

/**
 * Where a call carries the key that {@link ConsistentHash} sticks to: a message header
 * ({@code "header:NAME"}), or a field of the call's JSON body ({@code "arg:NAME"}), which for a
 * generated service proxy is the method argument of that name.
 */
final class HashKey {

  static final String ACCEPTED_FORMS = "\"header:NAME\" (a message header) or \"arg:NAME\" "
      + "(a field of the call's JSON body, i.e. a service method argument)";

  private final boolean header;
  private final String name;

  private HashKey(boolean header, String name) {
    this.header = header;
    this.name = name;
  }

  /** @throws IllegalArgumentException naming {@code spec} and the accepted forms */
  static HashKey parse(String spec) {
    int colon = spec == null ? -1 : spec.indexOf(':');
    String source = colon < 0 ? "" : spec.substring(0, colon);
    String name = colon < 0 ? "" : spec.substring(colon + 1);
    if (name.isBlank() || !(source.equals("header") || source.equals("arg"))) {
      throw new IllegalArgumentException("Invalid settings of strategy 'consistent-hash': 'hashKey' must be "
          + ACCEPTED_FORMS + ", got " + (spec == null ? "nothing" : "\"" + spec + "\"") + ".");
    }
    return new HashKey(source.equals("header"), name);
  }

  /** The key of {@code call}, or null when the call has none (no such header, argument or body). */
  String of(CallInfo call) {
    if (call == null) {
      return null;
    }
    if (header) {
      return call.headers().get(name);
    }
    JsonObject arguments = call.arguments();
    if (arguments == null) {
      return null;
    }
    Object value = arguments.getValue(name);
    return value == null || value instanceof String ? (String) value : value.toString();
  }

  @Override
  public String toString() {
    return (header ? "header:" : "arg:") + name;
  }
}
