package io.busmesh.impl.load;

import io.busmesh.MeshProtocol;
import io.vertx.core.MultiMap;

/** Reply headers by which a replica reports its own load to its callers; the mesh strips them before the caller sees the reply. */
public final class LoadHeaders {

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
    headers.remove(MeshProtocol.SERVER_IN_FLIGHT_HEADER);
    headers.remove(MeshProtocol.SERVICE_MICROS_HEADER);
  }
}
