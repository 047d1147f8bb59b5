package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.impl.load.Clock;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Hmac mode ({@code "signing": "hmac"}): records carry an HMAC-SHA256 (RFC 2104) with a secret every
 * node shares, compared in constant time. It proves only "a node that knows the secret", so every
 * record's signer is {@value #IDENTITY}.
 *
 * <p>The secret is the file's bytes without trailing line ends ({@code \n}, {@code \r}), so that a secret
 * written by {@code echo} or an editor equals the same one written by {@code printf}; at least
 * {@value SecurityOptions#MIN_HMAC_SECRET_BYTES} bytes must remain.
 */
final class HmacSigner extends EnvelopeSigner {

  static final String IDENTITY = "hmac";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Signer SHARED_SECRET = new Signer(IDENTITY, Long.MIN_VALUE, Long.MAX_VALUE, null, List.of());

  private final ThreadLocal<Mac> macs; // a Mac is not thread-safe; seal and open run on several event loops

  HmacSigner(byte[] secret, Clock clock, int cacheEntries) {
    super(clock, cacheEntries);
    SecretKeySpec key = new SecretKeySpec(secret, ALGORITHM);
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK has " + ALGORITHM, e);
      }
    });
  }

  static HmacSigner load(String secretPath, Clock clock) {
    return new HmacSigner(readSecret(secretPath), clock, CACHE_ENTRIES);
  }

  static byte[] readSecret(String path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read the HMAC secret file '" + path + "' (" + e + "); check the path"
          + " (resolved against " + Path.of("").toAbsolutePath() + ") and its permissions.", e);
    }
    int length = bytes.length;
    while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
      length--;
    }
    if (length < SecurityOptions.MIN_HMAC_SECRET_BYTES) {
      throw new IllegalArgumentException("The HMAC secret in '" + path + "' is " + length + " bytes (without trailing"
          + " line ends); at least " + SecurityOptions.MIN_HMAC_SECRET_BYTES + " are needed. Make one with"
          + " head -c 48 /dev/urandom | base64 > " + path + " and give every node the same file.");
    }
    return Arrays.copyOf(bytes, length);
  }

  @Override
  Envelope sign(String kind, String payload) {
    return new Envelope(kind, payload, Base64.getEncoder().encodeToString(mac(kind, payload)), null, List.of());
  }

  @Override
  Signer verify(Envelope envelope, long nowMillis) throws UntrustedRecordException {
    if (envelope.certificate() != null) {
      throw new UntrustedRecordException(envelope.kind(), "it is signed with a certificate where this node expects the"
          + " shared secret (\"signing\": \"hmac\"); every node needs the same 'signing'");
    }
    if (!MessageDigest.isEqual(mac(envelope.kind(), envelope.payload()), envelope.signatureBytes())) {
      throw new UntrustedRecordException(envelope.kind(), "its signature does not match: it was altered after it was"
          + " signed, or signed with another secret");
    }
    return SHARED_SECRET;
  }

  private byte[] mac(String kind, String payload) {
    return macs.get().doFinal(Envelope.signedBytes(kind, payload)); // doFinal leaves the Mac ready for the next
  }

  @Override
  public String identity() {
    return IDENTITY;
  }
}
