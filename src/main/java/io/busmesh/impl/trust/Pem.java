package io.busmesh.impl.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM files, certificates and unencrypted PKCS#8 private keys, with the JDK alone. Errors name the file and the fix. */
final class Pem {

  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in OLD.key -out NEW.key";

  private record Block(String type, byte[] der) {
  }

  private Pem() {
  }

  /**
   * The certificates in a PEM file, in file order.
   *
   * @param what what the file is to the node, for messages: "certificate", "CA"
   */
  static List<X509Certificate> certificates(String path, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(path, what)) {
        if (block.type().equals("CERTIFICATE")) {
          certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("The " + what + " file '" + path + "' holds a certificate that cannot be read ("
          + e.getMessage() + "); give a PEM certificate such as bin/dev-ca.sh makes.", e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("The " + what + " file '" + path + "' holds no PEM certificate"
          + " (-----BEGIN CERTIFICATE-----); give a PEM certificate such as bin/dev-ca.sh makes.");
    }
    return certificates;
  }

  /**
   * The one private key in a PEM file, which must be unencrypted PKCS#8.
   *
   * @param keyFactoryAlgorithm the algorithm of the certificate the key must belong to ("EC", "RSA", "EdDSA")
   */
  static PrivateKey privateKey(String path, String keyFactoryAlgorithm, String certPath) {
    List<byte[]> keys = new ArrayList<>();
    for (Block block : blocks(path, "private key")) {
      switch (block.type()) {
        case "PRIVATE KEY" -> keys.add(block.der());
        case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("The private key file '" + path
            + "' holds an encrypted key; busmesh reads an unencrypted PKCS#8 key, e.g. from " + TO_PKCS8 + ".");
        case "EC PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY" -> throw new IllegalArgumentException(
            "The private key file '" + path + "' holds a key in the older " + block.type().replace(" PRIVATE KEY", "")
                + " format; busmesh reads PKCS#8 (-----BEGIN PRIVATE KEY-----): convert it with " + TO_PKCS8 + ".");
        default -> {
        }
      }
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException("The private key file '" + path + "' holds " + keys.size()
          + " PKCS#8 private keys (-----BEGIN PRIVATE KEY-----) where one is needed: the node's, e.g. NAME.key from bin/dev-ca.sh.");
    }
    try {
      return KeyFactory.getInstance(keyFactoryAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("The private key in '" + path + "' is not the " + keyFactoryAlgorithm
          + " key of the certificate in '" + certPath + "' (" + e.getMessage() + "); give the key the certificate was"
          + " made for (bin/dev-ca.sh makes NAME.key beside NAME.crt).", e);
    }
  }

  private static List<Block> blocks(String path, String what) {
    String text;
    try {
      // Latin-1 decodes any bytes, so a binary file gives "no PEM block", not a charset error.
      text = Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read the " + what + " file '" + path + "' (" + e + "); check the path"
          + " (resolved against " + Path.of("").toAbsolutePath() + ") and its permissions.", e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      try {
        blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2).trim())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The " + what + " file '" + path + "' holds a PEM block (" + matcher.group(1)
            + ") that is not base64; give the file as openssl or bin/dev-ca.sh wrote it.", e);
      }
    }
    return blocks;
  }
}
