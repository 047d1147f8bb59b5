package io.busmesh.impl.trust;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.PublicKey;

/** A signer certificate that chains to the cluster's CA: who it names, and the key and algorithm that check their signatures. */
record SignerCertificate(Signer signer, PublicKey key, String algorithm) {

  /** The signature algorithm busmesh uses with a key of this algorithm ({@link PublicKey#getAlgorithm()}), or null if none. */
  static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA"; // the curve comes with the key
      default -> null;
    };
  }

  /** The KeyFactory algorithm that reads a private key of this algorithm. */
  static String keyFactoryAlgorithm(String keyAlgorithm) {
    return keyAlgorithm.startsWith("Ed") ? "EdDSA" : keyAlgorithm;
  }

  /** The CN of a name (the most specific, if several), or null. */
  static String commonName(X500Principal principal) {
    String cn = null;
    try {
      // getRdns() runs from the least specific RDN to the most, so the last CN seen is the most specific.
      for (Rdn rdn : new LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue() instanceof String text ? text : null; // a hex-encoded (#...) value names nobody readable
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return cn;
  }
}
