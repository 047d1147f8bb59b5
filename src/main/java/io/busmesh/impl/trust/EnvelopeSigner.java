package io.busmesh.impl.trust;

import io.busmesh.impl.load.Clock;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * What the two signing modes share: sealing a payload into an envelope, and opening one by checking
 * its shape and size, then a cache of envelopes already verified, then the signature. The same
 * registry entries are re-read every few seconds, so a repeated read costs a lookup and a copy; the
 * cache holds only envelopes that verified, so a flood of junk cannot grow it.
 */
abstract class EnvelopeSigner implements RecordSigner {

  static final int CACHE_ENTRIES = 4_096;
  /** Characters of payload and signature the cache may hold (each also held once parsed): some tens of MB at most. */
  static final long CACHE_CHARS = 8L << 20;

  private final Clock clock;
  private final BoundedLru<String, Verified> verified;

  private record Verified(Envelope envelope, JsonObject payload, Signer signer) {
    long weight() {
      return envelope.payload().length() + envelope.signature().length();
    }
  }

  EnvelopeSigner(Clock clock, int cacheEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verified = new BoundedLru<>(cacheEntries, CACHE_CHARS, Verified::weight);
  }

  /** Signs payload, the JSON text of a payload, for kind. */
  abstract Envelope sign(String kind, String payload);

  /** Checks the envelope's signature and signer at the given time; its shape, size and kind are already checked. */
  abstract Signer verify(Envelope envelope, long nowMillis) throws UntrustedRecordException;

  @Override
  public final JsonObject seal(String kind, JsonObject payload) {
    Envelope.checkKind(kind);
    String text = payload.encode();
    if (text.length() > Envelope.MAX_PAYLOAD_CHARS) {
      throw new IllegalArgumentException("a '" + kind + "' payload of " + text.length() + " characters is over the "
          + Envelope.MAX_PAYLOAD_CHARS + " other nodes accept");
    }
    return sign(kind, text).toJson();
  }

  @Override
  public final SignedRecord open(String kind, Object record) throws UntrustedRecordException {
    Envelope.checkKind(kind);
    try {
      Envelope envelope = Envelope.read(kind, record);
      long now = clock.currentTimeMillis();
      Verified known = verified.get(envelope.signature());
      // The whole envelope must match, not only its signature: the same signature beside another kind,
      // payload or certificate is another envelope, verified (and refused) on its own.
      if (known != null && known.envelope().equals(envelope) && known.signer().isValidAt(now)) {
        return new SignedRecord(known.payload().copy(), known.signer().name());
      }
      Signer signer = verify(envelope, now);
      JsonObject payload = envelope.parsePayload();
      // Cached with the signer's own certificate strings, so that a signer's many envelopes share one copy.
      Envelope shared = envelope.withCertificates(signer.certificate(), signer.intermediates());
      verified.put(envelope.signature(), new Verified(shared, payload, signer));
      return new SignedRecord(payload.copy(), signer.name());
    } catch (RuntimeException e) {
      // A last guard: whatever the input, the caller gets a refusal, never an unexpected exception.
      throw new UntrustedRecordException(kind, "it could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public final boolean isSigning() {
    return true;
  }

  /** Envelopes in the verified cache, for tests. */
  final int cachedRecords() {
    return verified.size();
  }
}
