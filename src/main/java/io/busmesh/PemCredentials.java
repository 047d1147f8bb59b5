package io.busmesh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A node's PEM key, certificate chain and cluster CA, read and checked to fit together: the key is
 * the certificate's, and the certificate chains to the CA and is valid today. Vert.x would only find
 * out at the first TLS handshake, and then the only trace is a timed-out call (see {@link EventBusTls}).
 */
final class PemCredentials {

  private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private PemCredentials() {
  }

  /** @throws IllegalArgumentException naming the file, what is wrong with it and what to do */
  static void check(SecurityOptions security) {
    List<X509Certificate> authorities = certificates(security.getCaPath(), "caPath");
    List<X509Certificate> chain = certificates(security.getCertPath(), "certPath");
    PrivateKey key = privateKey(security.getKeyPath());
    checkKeyIsTheCertificates(key, chain.get(0), security);
    checkChainsTo(chain, authorities, security);
  }

  private static List<X509Certificate> certificates(String path, String key) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(path, key, "CERTIFICATE")) {
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw problem("'" + key + "' file '" + path + "' holds a CERTIFICATE block that is not an X.509 certificate ("
          + e.getMessage() + "); give the PEM certificate bin/dev-ca.sh or your CA issued");
    }
    if (certificates.isEmpty()) {
      throw problem("'" + key + "' file '" + path + "' holds no -----BEGIN CERTIFICATE----- block; give a PEM certificate"
          + " (bin/dev-ca.sh makes them)");
    }
    return certificates;
  }

  private static PrivateKey privateKey(String path) {
    List<byte[]> keys = blocks(path, "keyPath", "PRIVATE KEY");
    if (keys.size() != 1) {
      String text = read(path, "keyPath");
      String found = keys.isEmpty() ? "no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)" : keys.size() + " PKCS#8 private keys";
      String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "it is encrypted, which Vert.x cannot read; decrypt it with"
          + " 'openssl pkcs8 -in KEY -out PLAIN.key'"
          : text.contains("EC PRIVATE KEY") || text.contains("RSA PRIVATE KEY") ? "it is in the older SEC1/PKCS#1 form;"
          + " convert it with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out PKCS8.key'"
          : "give exactly one unencrypted PKCS#8 key, as bin/dev-ca.sh makes";
      throw problem("'keyPath' file '" + path + "' holds " + found + ": " + hint);
    }
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next one
      }
    }
    throw problem("'keyPath' file '" + path + "' holds no EC or RSA private key Java can read; give an unencrypted"
        + " PKCS#8 EC or RSA key, as bin/dev-ca.sh makes");
  }

  /** Signs a few bytes with the key and verifies them with the certificate, which works only with the certificate's own key. */
  private static void checkKeyIsTheCertificates(PrivateKey key, X509Certificate certificate, SecurityOptions security) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    byte[] probe = "busmesh".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw problem("the key in 'keyPath' file '" + security.getKeyPath() + "' is not the key of the certificate in 'certPath'"
          + " file '" + security.getCertPath() + "' (" + certificate.getSubjectX500Principal() + "); give the two files"
          + " bin/dev-ca.sh made together for this node");
    }
  }

  private static void checkChainsTo(List<X509Certificate> chain, List<X509Certificate> authorities, SecurityOptions security) {
    List<X509Certificate> path = chain.stream().filter(c -> !authorities.contains(c)).toList();
    try {
      PKIXParameters parameters = new PKIXParameters(authorities.stream()
          .map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet()));
      parameters.setRevocationEnabled(false); // no CRL or OCSP for a cluster's private CA
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      Set<String> issuers = authorities.stream().map(ca -> ca.getSubjectX500Principal().getName()).collect(Collectors.toSet());
      throw problem("the certificate in 'certPath' file '" + security.getCertPath() + "' (" + chain.get(0).getSubjectX500Principal()
          + ", issued by " + chain.get(0).getIssuerX500Principal() + ") does not pass as issued by the CA in 'caPath' file '"
          + security.getCaPath() + "' " + issuers + ": " + e.getMessage() + "; nodes trusting that CA would refuse this node."
          + " Issue the node's certificate from the cluster's CA (bin/dev-ca.sh DIR NAME signs with DIR/ca.key)");
    }
  }

  /** The DER bytes of every {@code -----BEGIN type-----} block of the file. */
  private static List<byte[]> blocks(String path, String key, String type) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher m = PEM_BLOCK.matcher(read(path, key));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw problem("'" + key + "' file '" + path + "' has a " + type + " block that is not valid base64 (" + e.getMessage()
              + "); the file is damaged, make it again");
        }
      }
    }
    return blocks;
  }

  private static String read(String path, String key) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.ISO_8859_1); // never fails: a DER file then shows as "no PEM block"
    } catch (IOException e) {
      throw problem("cannot read the '" + key + "' file '" + path + "' (" + e + ", resolved against "
          + Path.of("").toAbsolutePath() + ")");
    }
  }

  private static IllegalArgumentException problem(String what) {
    return new IllegalArgumentException("Invalid mesh options 'security': " + what + ".");
  }
}
