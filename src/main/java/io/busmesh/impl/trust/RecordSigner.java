package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.impl.load.Clock;
import io.vertx.core.json.JsonObject;

/**
 * Signs the control-plane records a node writes to the cluster (registry entries, load figures,
 * strategy changes, view changes) and verifies those it reads, since any process that knows an
 * open-source Hazelcast cluster's name can write its maps. One per node, made from
 * {@link SecurityOptions} by {@link #create}; thread-safe, and no I/O after {@code create}.
 *
 * <p>With signing on, {@link #seal} wraps a payload in an envelope, a JSON object:
 * <pre>{@code
 * {"v": 1, "k": "replica", "p": "{\"service\":\"payments\",...}", "s": "MEUCIQD...", "c": "MIIBkTCCATeg...", "i": ["MIIB..."]}
 * }</pre>
 * <ul>
 * <li>{@code v}: the envelope format, 1.
 * <li>{@code k}: the kind of record ({@code "replica"}, {@code "load"}, {@code "strategy"}, {@code "view"}).
 * <li>{@code p}: the payload's JSON text, exactly the characters signed: a text survives any trip
 *     through Hazelcast, where a re-encoded object might not (key order, number forms).
 * <li>{@code s}: base64 of the signature over the UTF-8 bytes of {@code "busmesh-record/1\n" + k + "\n" + p}
 *     (the kind is signed, so a record of one kind cannot be replayed as another): SHA256withECDSA (DER),
 *     SHA256withRSA or EdDSA after the signer's key in certificate mode, HMAC-SHA256 with the shared
 *     secret in hmac mode. The algorithm is never read from the envelope.
 * <li>{@code c}: certificate mode only: base64 of the signer's certificate (DER), so that any node can
 *     verify a record without a lookup.
 * <li>{@code i}: certificate mode only, and only when the node's certificate file holds a chain:
 *     the intermediate CA certificates (DER, base64), leaf side first.
 * </ul>
 * In hmac mode an envelope is {@code {"v", "k", "p", "s"}} alone. A reader refuses an envelope before any
 * cryptography if {@code p} is over 65,536 characters, {@code s} over 1,024, a certificate over 8,192
 * bytes, or {@code i} over 4 certificates. Fields it does not know are ignored.
 */
public interface RecordSigner {

  /**
   * Wraps payload for the cluster under a kind: a signed envelope, or the payload itself when signing is off.
   *
   * @param kind lower-case letters, digits and '-', e.g. "replica"
   * @throws IllegalArgumentException if the kind is not such a name or the payload is too large for other nodes to accept
   */
  JsonObject seal(String kind, JsonObject payload);

  /**
   * Checks a record read from the cluster and returns its payload and signer. With signing off it
   * accepts a plain JSON object as the payload (signer {@code ""}), and unwraps an envelope from a
   * node that already signs without verifying it, so signing can be turned on one node at a time.
   *
   * @param record whatever was read: anything, including null, is answered with a record or this exception
   * @throws UntrustedRecordException saying why the record is refused
   * @throws IllegalArgumentException only if kind is not a kind name (the caller's constant, so a programming error)
   */
  SignedRecord open(String kind, Object record) throws UntrustedRecordException;

  /**
   * This node's identity as others will see it in {@link SignedRecord#signer()}: its certificate's CN,
   * "hmac" for the shared secret, "" when off.
   */
  String identity();

  /** Whether seal signs and open verifies: false only with signing off. */
  boolean isSigning();

  /** The signer the options ask for, with the system clock for certificate validity. */
  static RecordSigner create(SecurityOptions options) {
    return create(options, Clock.SYSTEM);
  }

  /**
   * The signer the options ask for, checking certificates' validity at {@code clock}'s wall-clock time.
   *
   * @throws IllegalArgumentException with a sentence naming the file and the fix if a key, certificate, CA or
   *     secret cannot be read or they do not match (the certificate not issued by the CA, the key not the
   *     certificate's, a secret shorter than {@value SecurityOptions#MIN_HMAC_SECRET_BYTES} bytes)
   */
  static RecordSigner create(SecurityOptions options, Clock clock) {
    options.validate();
    return switch (options.getSigning()) {
      case NONE -> PassThroughSigner.INSTANCE;
      case HMAC -> HmacSigner.load(options.getHmacSecretPath(), clock);
      case CERTIFICATE -> CertificateSigner.load(options, clock);
    };
  }
}
