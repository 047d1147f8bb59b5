package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.impl.load.Clock;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificate mode ({@code "signing": "certificate"}): records are signed with the node's private key
 * and carry its certificate; a reader trusts them if the certificate chains to the cluster's CA
 * ({@link ClusterCa}) and the signature checks with its key. The algorithm follows the key:
 * SHA256withECDSA, SHA256withRSA or EdDSA, never a field of the envelope, so a forger cannot pick it.
 */
final class CertificateSigner extends EnvelopeSigner {

  private final ClusterCa ca;
  private final Signer self;
  private final ThreadLocal<Signature> signatures; // a Signature is not thread-safe; seal runs on several event loops

  private CertificateSigner(Clock clock, int cacheEntries, ClusterCa ca, Signer self, String algorithm, PrivateKey key) {
    super(clock, cacheEntries);
    this.ca = ca;
    this.self = self;
    this.signatures = ThreadLocal.withInitial(() -> {
      try {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(key);
        return signature;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("signing with the key that signed at start failed", e);
      }
    });
  }

  static CertificateSigner load(SecurityOptions options, Clock clock) {
    return load(options, clock, CACHE_ENTRIES);
  }

  static CertificateSigner load(SecurityOptions options, Clock clock, int cacheEntries) {
    String keyPath = options.getKeyPath();
    String certPath = options.getCertPath();
    ClusterCa ca = ClusterCa.load(options.getCaPath());
    List<X509Certificate> chain = new ArrayList<>(Pem.certificates(certPath, "certificate"));
    // A "full chain" file may end with the CA itself, which readers already hold.
    chain.subList(1, chain.size()).removeIf(ca::isCa);
    String fix = " Make the node a certificate with the CA in '" + ca.path() + "' (for a development cluster: bin/dev-ca.sh DIR NAME,"
        + " with DIR the directory of that CA).";
    if (chain.size() - 1 > Envelope.MAX_INTERMEDIATES) {
      throw new IllegalArgumentException("The certificate file '" + certPath + "' holds a chain of " + (chain.size() - 1)
          + " intermediate CAs; other nodes accept at most " + Envelope.MAX_INTERMEDIATES + ".");
    }
    List<String> encoded = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      byte[] der;
      try {
        der = certificate.getEncoded();
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("The certificate file '" + certPath + "' holds a certificate that cannot be encoded.", e);
      }
      if (der.length > Envelope.MAX_CERTIFICATE_BYTES) {
        throw new IllegalArgumentException("The certificate file '" + certPath + "' holds a certificate of " + der.length
            + " bytes; other nodes accept at most " + Envelope.MAX_CERTIFICATE_BYTES + "." + fix);
      }
      encoded.add(Base64.getEncoder().encodeToString(der));
    }
    SignerCertificate mine;
    try {
      mine = ca.verify(encoded.get(0), encoded.subList(1, encoded.size()), clock.currentTimeMillis());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("The certificate in '" + certPath + "' cannot sign for this cluster: "
          + e.getMessage() + "." + fix, e);
    }
    PrivateKey key = Pem.privateKey(keyPath, SignerCertificate.keyFactoryAlgorithm(mine.key().getAlgorithm()), certPath);
    checkKeyMatches(key, mine, keyPath, certPath);
    return new CertificateSigner(clock, cacheEntries, ca, mine.signer(), mine.algorithm(), key);
  }

  /** Signs a probe with the key and checks it with the certificate: the only proof that they belong together. */
  private static void checkKeyMatches(PrivateKey key, SignerCertificate certificate, String keyPath, String certPath) {
    byte[] probe = "busmesh key check".getBytes(StandardCharsets.UTF_8);
    boolean matches;
    byte[] signed = new byte[0];
    try {
      Signature signer = Signature.getInstance(certificate.algorithm());
      signer.initSign(key);
      signer.update(probe);
      signed = signer.sign();
      Signature verifier = Signature.getInstance(certificate.algorithm());
      verifier.initVerify(certificate.key());
      verifier.update(probe);
      matches = verifier.verify(signed);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("The private key in '" + keyPath + "' does not belong to the certificate in '"
          + certPath + "' (a signature made with it does not check with the certificate's key); give the key the"
          + " certificate was made for (bin/dev-ca.sh makes NAME.key beside NAME.crt).");
    }
    if (Base64.getEncoder().encodeToString(signed).length() > Envelope.MAX_SIGNATURE_CHARS) {
      throw new IllegalArgumentException("The private key in '" + keyPath + "' makes signatures of " + signed.length
          + " bytes, longer than other nodes accept; use an EC P-256 key (bin/dev-ca.sh) or an RSA key of at most 4096 bits.");
    }
  }

  @Override
  Envelope sign(String kind, String payload) {
    Signature signature = signatures.get();
    try {
      signature.update(Envelope.signedBytes(kind, payload));
      return new Envelope(kind, payload, Base64.getEncoder().encodeToString(signature.sign()), self.certificate(), self.intermediates());
    } catch (SignatureException e) {
      signatures.remove(); // its state is unknown now
      throw new IllegalStateException("signing a '" + kind + "' record failed", e);
    }
  }

  @Override
  Signer verify(Envelope envelope, long nowMillis) throws UntrustedRecordException {
    String kind = envelope.kind();
    if (envelope.certificate() == null) {
      throw new UntrustedRecordException(kind, "it is signed with a shared secret (\"signing\": \"hmac\") where this node"
          + " expects a certificate; every node needs the same 'signing'");
    }
    SignerCertificate signer;
    try {
      signer = ca.verify(envelope.certificate(), envelope.intermediates(), nowMillis);
    } catch (CertificateException e) {
      throw new UntrustedRecordException(kind, e.getMessage());
    }
    byte[] signature = envelope.signatureBytes();
    boolean valid;
    try {
      Signature verifier = Signature.getInstance(signer.algorithm());
      verifier.initVerify(signer.key());
      verifier.update(envelope.signedBytes());
      valid = verifier.verify(signature);
    } catch (SignatureException e) {
      valid = false; // not even a well-formed signature
    } catch (GeneralSecurityException e) {
      throw new UntrustedRecordException(kind, "its signature could not be checked (" + Envelope.printable(e.toString(), 120) + ")");
    }
    if (!valid) {
      throw new UntrustedRecordException(kind, "its signature does not match: it was altered after '"
          + Envelope.printable(signer.signer().name(), 64) + "' signed it, or that node never signed it");
    }
    return signer.signer();
  }

  @Override
  public String identity() {
    return self.name();
  }
}
