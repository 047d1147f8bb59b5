package io.busmesh.impl.trust;

import java.util.List;

/**
 * Who signed an envelope that verified, and while the proof holds (a certificate's validity; always,
 * for the shared secret).
 *
 * @param certificate   base64 DER of the signer's certificate as envelopes carry it; null for the shared secret
 * @param intermediates base64 DER of the intermediates as envelopes carry them
 */
record Signer(String name, long validFromMillis, long validUntilMillis, String certificate, List<String> intermediates) {

  Signer {
    intermediates = List.copyOf(intermediates);
  }

  boolean isValidAt(long nowMillis) {
    return nowMillis >= validFromMillis && nowMillis <= validUntilMillis;
  }
}
