package io.busmesh.impl.trust;

import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * Signing off ({@code "signing": "none"}): records go out as they are and come in unchecked, signer
 * {@code ""}. An envelope from a node that already signs is unwrapped, not verified (this node has
 * nothing to verify it with), so that signing can be turned on one node at a time: the nodes still
 * off read the others' records, and each node reads plain records until it is turned on.
 */
final class PassThroughSigner implements RecordSigner {

  static final PassThroughSigner INSTANCE = new PassThroughSigner();

  private PassThroughSigner() {
  }

  @Override
  public JsonObject seal(String kind, JsonObject payload) {
    Envelope.checkKind(kind);
    return Objects.requireNonNull(payload, "payload");
  }

  @Override
  public SignedRecord open(String kind, Object record) throws UntrustedRecordException {
    Envelope.checkKind(kind);
    if (!(record instanceof JsonObject json)) {
      throw new UntrustedRecordException(kind, "expected a JSON object, got " + Envelope.describe(record));
    }
    if (!Envelope.looksLikeOne(json)) {
      return new SignedRecord(json, "");
    }
    try {
      return new SignedRecord(Envelope.read(kind, json).parsePayload(), "");
    } catch (RuntimeException e) {
      throw new UntrustedRecordException(kind, "it could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String identity() {
    return "";
  }

  @Override
  public boolean isSigning() {
    return false;
  }
}
