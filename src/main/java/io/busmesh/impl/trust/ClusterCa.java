package io.busmesh.impl.trust;

import javax.security.auth.x500.X500Principal;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's CA certificate(s), and which signer certificates chain to them. Chains are checked
 * with the JDK's PKIX validator (RFC 5280 path validation: each signature, issuer names, the CA
 * flag, key usage and path length of every issuer, validity at the given time) with revocation
 * checking off, as a cluster CA publishes no CRL or OCSP responder. A direct check of the issuer's
 * signature and dates would be shorter but would wave through an intermediate that is not a CA.
 * On top of PKIX, a signer must be an end entity with a CN, allowed to sign (digitalSignature).
 *
 * <p>Chains that pass are cached by SHA-256 fingerprint, so each signer's chain is validated once;
 * chains that fail are not kept, so junk cannot fill the cache.
 */
final class ClusterCa {

  static final int CACHE_ENTRIES = 256;

  private final String path;
  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> caCertificates;
  private final BoundedLru<String, SignerCertificate> verified = new BoundedLru<>(CACHE_ENTRIES, CACHE_ENTRIES, c -> 1);

  private ClusterCa(String path, List<X509Certificate> caCertificates) {
    this.path = path;
    this.caCertificates = List.copyOf(caCertificates);
    this.anchors = caCertificates.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
  }

  /** The CA(s) in a PEM file; several, while a cluster moves from one CA to the next. */
  static ClusterCa load(String caPath) {
    return new ClusterCa(caPath, Pem.certificates(caPath, "CA"));
  }

  String path() {
    return path;
  }

  boolean isCa(X509Certificate certificate) {
    return caCertificates.contains(certificate);
  }

  /**
   * Checks a signer's certificate chain as an envelope carries it, at the given time.
   *
   * @throws CertificateException whose message says, in lower case, why the chain is not trusted
   */
  SignerCertificate verify(String certificate, List<String> intermediates, long nowMillis) throws CertificateException {
    List<byte[]> encoded = new ArrayList<>(1 + intermediates.size());
    try {
      encoded.add(Base64.getDecoder().decode(certificate));
      for (String intermediate : intermediates) {
        encoded.add(Base64.getDecoder().decode(intermediate));
      }
    } catch (IllegalArgumentException e) {
      throw new CertificateException("its certificate is not base64");
    }
    String fingerprint = fingerprint(encoded);
    SignerCertificate known = verified.get(fingerprint);
    if (known != null && known.signer().isValidAt(nowMillis)) {
      return known;
    }
    List<X509Certificate> chain = new ArrayList<>(encoded.size());
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : encoded) {
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateException("its certificate cannot be parsed");
    }
    SignerCertificate checked = validate(chain, certificate, intermediates, nowMillis);
    verified.put(fingerprint, checked);
    return checked;
  }

  private SignerCertificate validate(List<X509Certificate> chain, String certificate, List<String> intermediates,
      long nowMillis) throws CertificateException {
    X509Certificate leaf = chain.get(0);
    String name = SignerCertificate.commonName(leaf.getSubjectX500Principal());
    if (name == null || name.isEmpty()) {
      throw new CertificateException("its certificate (subject '" + printable(leaf.getSubjectX500Principal().getName())
          + "') has no CN to name its signer");
    }
    String whose = "the certificate of '" + printable(name) + "'";
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException(whose + " is a CA certificate, which may not sign records");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[0]) {
      throw new CertificateException(whose + " is not valid for signing (its key usage lacks digitalSignature)");
    }
    String algorithm = SignerCertificate.signatureAlgorithm(leaf.getPublicKey().getAlgorithm());
    if (algorithm == null) {
      throw new CertificateException(whose + " holds a " + printable(leaf.getPublicKey().getAlgorithm())
          + " key; busmesh verifies EC, RSA and EdDSA keys");
    }
    long from = Long.MIN_VALUE;
    long until = Long.MAX_VALUE;
    for (X509Certificate certificateInChain : chain) {
      String which = certificateInChain == leaf ? whose
          : whose + "'s issuer '" + printable(certificateInChain.getSubjectX500Principal().getName()) + "'";
      long notBefore = certificateInChain.getNotBefore().getTime();
      long notAfter = certificateInChain.getNotAfter().getTime();
      if (nowMillis < notBefore) {
        throw new CertificateException(which + " is not valid before " + Instant.ofEpochMilli(notBefore));
      }
      if (nowMillis > notAfter) {
        throw new CertificateException(which + " expired on " + Instant.ofEpochMilli(notAfter));
      }
      from = Math.max(from, notBefore);
      until = Math.min(until, notAfter);
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(new Date(nowMillis));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
    } catch (CertPathValidatorException e) {
      if (chain.size() == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        throw new CertificateException(whose + " is self-signed, not issued by the cluster's CA");
      }
      if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
        X500Principal issuer = chain.get(chain.size() - 1).getIssuerX500Principal();
        boolean namesake = caCertificates.stream().anyMatch(ca -> ca.getSubjectX500Principal().equals(issuer));
        throw new CertificateException(whose + " is not issued by the cluster's CA (its issuer is '" + printable(issuer.getName())
            + "'" + (namesake ? ", a CA of the same name but another key: a CA made by another bin/dev-ca.sh run?" : "") + ")");
      }
      throw new CertificateException(whose + " does not chain to the cluster's CA (" + printable(String.valueOf(e.getMessage())) + ")");
    } catch (GeneralSecurityException e) {
      throw new CertificateException(whose + " could not be checked (" + printable(e.toString()) + ")");
    }
    return new SignerCertificate(new Signer(name, from, until, certificate, intermediates), leaf.getPublicKey(), algorithm);
  }

  /** SHA-256 over the chain, each certificate prefixed by its length so that no two chains hash the same bytes. */
  private static String fingerprint(List<byte[]> chain) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (byte[] der : chain) {
        sha256.update(ByteBuffer.allocate(4).putInt(der.length).array());
        sha256.update(der);
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String printable(String text) {
    return Envelope.printable(text, 120);
  }
}
