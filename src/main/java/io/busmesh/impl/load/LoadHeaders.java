package io.busmesh.impl.load;

import io.busmesh.MeshProtocol;
import io.vertx.core.MultiMap;

/** Reply headers by which a replica reports its own load to its callers; the mesh strips them before the caller sees the reply. */
public final class LoadHeaders {

  /** Calls the replica was still executing when it sent this reply (this one excluded). */
  public static final String SERVER_IN_FLIGHT = MeshProtocol.SERVER_IN_FLIGHT_HEADER;
  /** Time the replica spent on this call, from arrival to reply, in microseconds. */
  public static final String SERVICE_MICROS = MeshProtocol.SERVICE_MICROS_HEADER;

  private LoadHeaders() {
  }

  /** The numeric value of {@code header}, or -1 if absent or malformed (a report is optional). */
  public static long read(MultiMap headers, String header) {
    String value = headers.get(header);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Removes the load headers so the reply reaches the caller exactly as the service sent it. */
  public static void strip(MultiMap headers) {
    headers.remove(SERVER_IN_FLIGHT);
    headers.remove(SERVICE_MICROS);
  }
}
