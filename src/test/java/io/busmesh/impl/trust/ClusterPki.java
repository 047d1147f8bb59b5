package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.test.DevCertificates;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.busmesh.test.DevCertificates.openssl;

/**
 * The certificates the trust tests use, made once per test JVM under target/trust-pki: the cluster's
 * CA with node-1 and node-2 (bin/dev-ca.sh), a stranger's CA with intruder, and odd ones made with
 * openssl: RSA and Ed25519 nodes, a certificate not for signing, one without a CN, a self-signed one
 * claiming to be node-1, and deep-node under an intermediate CA.
 */
final class ClusterPki {

  static final Path DIR = Path.of("target", "trust-pki");
  static final Path CLUSTER = DIR.resolve("cluster");
  static final Path STRANGER = DIR.resolve("stranger");
  private static final String NODE_EXTENSIONS = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n";
  private static boolean made;

  private ClusterPki() {
  }

  static synchronized void make() {
    if (made) {
      return;
    }
    DevCertificates.delete(DIR);
    DevCertificates.make(CLUSTER, "node-1", "node-2");
    DevCertificates.make(STRANGER, "intruder");
    issue("rsa-node", "/CN=rsa-node", NODE_EXTENSIONS, "ca", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
    issue("ed-node", "/CN=ed-node", NODE_EXTENSIONS, "ca", "-algorithm", "ED25519");
    issue("no-signing", "/CN=no-signing", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyAgreement\n", "ca", ec());
    issue("no-cn", "/O=busmesh", NODE_EXTENSIONS, "ca", ec());
    issue("sub-ca", "/CN=busmesh sub CA", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", "ca", ec());
    issue("deep-node", "/CN=deep-node", NODE_EXTENSIONS, "sub-ca", ec());
    concatenate("deep-node-chain.crt", "deep-node.crt", "sub-ca.crt");
    openssl(CLUSTER, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "rogue.key",
        "-out", "rogue.crt", "-subj", "/CN=node-1", "-days", "30", "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature");
    openssl(CLUSTER, "ec", "-in", "node-1.key", "-out", "node-1.sec1.key");
    made = true;
  }

  private static String[] ec() {
    return new String[] {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"};
  }

  /** A key and a certificate for subject, issued by issuer (a name in the cluster's directory) with the given extensions. */
  private static void issue(String name, String subject, String extensions, String issuer, String... keyArguments) {
    try {
      Files.writeString(CLUSTER.resolve(name + ".ext"), extensions);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> genpkey = new ArrayList<>(List.of("genpkey"));
    genpkey.addAll(List.of(keyArguments));
    genpkey.addAll(List.of("-out", name + ".key"));
    openssl(CLUSTER, genpkey.toArray(String[]::new));
    openssl(CLUSTER, "req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
    openssl(CLUSTER, "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key", "-CAcreateserial",
        "-days", "30", "-sha256", "-extfile", name + ".ext", "-out", name + ".crt");
  }

  private static void concatenate(String target, String... sources) {
    try {
      StringBuilder pem = new StringBuilder();
      for (String source : sources) {
        pem.append(Files.readString(CLUSTER.resolve(source)));
      }
      Files.writeString(CLUSTER.resolve(target), pem);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String path(Path dir, String file) {
    return dir.resolve(file).toString();
  }

  /** Options of a cluster node named name: its key and certificate, the cluster's CA. */
  static SecurityOptions node(String name) {
    return options(CLUSTER, name + ".key", name + ".crt", CLUSTER, "ca.crt");
  }

  static SecurityOptions options(Path dir, String key, String certificate, Path caDir, String ca) {
    return new SecurityOptions().setCertificates(path(dir, key), path(dir, certificate), path(caDir, ca));
  }

  /** An envelope signed by whatever key and certificates the test picks, past every check create() makes. */
  static JsonObject forge(String kind, String payload, Path dir, String key, String... certificates) throws Exception {
    List<X509Certificate> chain = new ArrayList<>();
    for (String certificate : certificates) {
      chain.addAll(Pem.certificates(path(dir, certificate), "certificate"));
    }
    String keyAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
    PrivateKey privateKey = Pem.privateKey(path(dir, key), SignerCertificate.keyFactoryAlgorithm(keyAlgorithm), "");
    Signature signature = Signature.getInstance(SignerCertificate.signatureAlgorithm(keyAlgorithm));
    signature.initSign(privateKey);
    signature.update(Envelope.signedBytes(kind, payload));
    List<String> encoded = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      encoded.add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
    }
    return new Envelope(kind, payload, Base64.getEncoder().encodeToString(signature.sign()), encoded.get(0),
        encoded.subList(1, encoded.size())).toJson();
  }
}
