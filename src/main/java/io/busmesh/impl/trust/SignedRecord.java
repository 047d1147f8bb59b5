package io.busmesh.impl.trust;

import io.vertx.core.json.JsonObject;

/**
 * A control-plane record that passed {@link RecordSigner#open}: its payload (the caller's own copy)
 * and who signed it, as {@link RecordSigner#identity()} names a node: its certificate's CN,
 * {@code "hmac"} for the shared secret, {@code ""} when signing is off (nothing was verified).
 */
public record SignedRecord(JsonObject payload, String signer) {
}
