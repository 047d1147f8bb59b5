package io.busmesh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Who a node trusts, read from the {@code "security"} object of the mesh options:
 * <pre>{@code
 * "security": {
 *   "keyPath": "certs/node-1.key", "certPath": "certs/node-1.crt", "caPath": "certs/ca.crt",
 *   "eventBusTls": true, "signing": "certificate", "strategyControl": true,
 *   "publishers": {"payments": ["payments-1", "payments-2"]}
 * }}</pre>
 * With a key, its certificate and the cluster's CA (PEM files, e.g. from {@code bin/dev-ca.sh}) the
 * event bus runs over mutual TLS and every control-plane record is signed with the node's key and
 * verified against the CA. Without them, {@code "signing": "hmac"} with {@code hmacSecretPath}
 * authenticates the control plane with a secret shared by all nodes. Nothing configured: no TLS, no
 * signing (a development cluster on one machine), and busmesh says so once at start.
 */
public class SecurityOptions {

  /** How control-plane records (registry entries, load figures, strategy changes, view changes) are authenticated. */
  public enum Signing {
    /** Not at all: anything on the cluster may write them. */
    NONE,
    /** Signed with the node's private key; verified with its certificate, which must chain to the CA. */
    CERTIFICATE,
    /** HMAC-SHA256 with a secret every node shares. */
    HMAC;

    public String configName() {
      return name().toLowerCase();
    }

    static Signing of(String name) {
      for (Signing s : values()) {
        if (s.configName().equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("'signing' must be one of \"none\", \"certificate\", \"hmac\", got \"" + name + "\"");
    }
  }

  /** An HMAC secret shorter than this is refused: it could be guessed. */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  private String keyPath;
  private String certPath;
  private String caPath;
  private Boolean eventBusTls;
  private Signing signing;
  private String hmacSecretPath;
  private boolean strategyControl = true;
  private final Map<String, Set<String>> publishers = new TreeMap<>();

  public SecurityOptions() {
  }

  public SecurityOptions(SecurityOptions other) {
    this.keyPath = other.keyPath;
    this.certPath = other.certPath;
    this.caPath = other.caPath;
    this.eventBusTls = other.eventBusTls;
    this.signing = other.signing;
    this.hmacSecretPath = other.hmacSecretPath;
    this.strategyControl = other.strategyControl;
    this.publishers.putAll(other.publishers);
  }

  /** @throws IllegalArgumentException naming the bad key, a missing file or a contradiction */
  public SecurityOptions(JsonObject json) {
    ConfigReader in = new ConfigReader("mesh options 'security'", json, "keyPath", "certPath", "caPath",
        "eventBusTls", "signing", "hmacSecretPath", "strategyControl", "publishers");
    keyPath = in.string("keyPath", null);
    certPath = in.string("certPath", null);
    caPath = in.string("caPath", null);
    if (json != null && json.containsKey("eventBusTls")) {
      eventBusTls = in.bool("eventBusTls", false);
    }
    String signingName = in.string("signing", null);
    try {
      signing = signingName == null ? null : Signing.of(signingName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid mesh options 'security': " + e.getMessage() + ".", e);
    }
    hmacSecretPath = in.string("hmacSecretPath", null);
    strategyControl = in.bool("strategyControl", true);
    JsonObject allowed = in.object("publishers", new JsonObject());
    for (String service : allowed.fieldNames()) {
      Object names = allowed.getValue(service);
      if (!(names instanceof JsonArray array) || array.isEmpty() || !array.stream().allMatch(n -> n instanceof String s && !s.isBlank())) {
        throw new IllegalArgumentException("Invalid mesh options 'security': 'publishers." + service + "' must be a non-empty"
            + " JSON array of node names (the CN of their certificates), got " + names + ".");
      }
      publishers.put(service, Set.copyOf(array.getList()));
    }
    validate();
  }

  /**
   * Checks that the files exist and the settings agree, so a node fails at start with a sentence
   * rather than at its first TLS handshake.
   *
   * @throws IllegalArgumentException saying what is wrong and what to do
   */
  public SecurityOptions validate() {
    List<String> certFiles = Arrays.asList(keyPath, certPath, caPath);
    long given = certFiles.stream().filter(p -> p != null).count();
    if (given != 0 && given != 3) {
      throw problem("'keyPath', 'certPath' and 'caPath' go together (the node's private key, its certificate, the"
          + " cluster's CA); got only " + String.join(" and ", Stream.of(keyPath != null ? "keyPath" : null,
              certPath != null ? "certPath" : null, caPath != null ? "caPath" : null).filter(Objects::nonNull).toList())
          + ". Make them with bin/dev-ca.sh for a development cluster");
    }
    for (String path : certFiles) {
      if (path != null && !Files.isReadable(Path.of(path))) {
        throw problem("cannot read the file '" + path + "' (resolved against " + Path.of("").toAbsolutePath() + ")");
      }
    }
    if (Boolean.TRUE.equals(eventBusTls) && !hasCertificates()) {
      throw problem("'eventBusTls' needs 'keyPath', 'certPath' and 'caPath'");
    }
    Signing effective = getSigning();
    if (effective == Signing.CERTIFICATE && !hasCertificates()) {
      throw problem("\"signing\": \"certificate\" needs 'keyPath', 'certPath' and 'caPath'; use \"hmac\" with"
          + " 'hmacSecretPath' for a cluster without certificates");
    }
    if (effective == Signing.HMAC) {
      if (hmacSecretPath == null) {
        throw problem("\"signing\": \"hmac\" needs 'hmacSecretPath', a file holding a secret of at least "
            + MIN_HMAC_SECRET_BYTES + " bytes that every node shares (e.g. head -c 48 /dev/urandom | base64 > secret)");
      }
      if (!Files.isReadable(Path.of(hmacSecretPath))) {
        throw problem("cannot read the HMAC secret file '" + hmacSecretPath + "'");
      }
    } else if (hmacSecretPath != null) {
      throw problem("'hmacSecretPath' is set but signing is \"" + effective.configName() + "\"; set \"signing\": \"hmac\" to use it");
    }
    if (!publishers.isEmpty() && effective != Signing.CERTIFICATE) {
      throw problem("'publishers' names nodes by their certificates, so it needs \"signing\": \"certificate\"");
    }
    return this;
  }

  private static IllegalArgumentException problem(String what) {
    return new IllegalArgumentException("Invalid mesh options 'security': " + what + ".");
  }

  /** True when the node's key, certificate and the CA are configured. */
  public boolean hasCertificates() {
    return keyPath != null && certPath != null && caPath != null;
  }

  public String getKeyPath() {
    return keyPath;
  }

  public String getCertPath() {
    return certPath;
  }

  public String getCaPath() {
    return caPath;
  }

  /** PEM files of the node's private key (PKCS#8), its certificate (chain) and the cluster's CA certificate(s). */
  public SecurityOptions setCertificates(String keyPath, String certPath, String caPath) {
    this.keyPath = keyPath;
    this.certPath = certPath;
    this.caPath = caPath;
    return this;
  }

  /** Whether the event bus runs over mutual TLS: by default, whenever certificates are configured. */
  public boolean isEventBusTls() {
    return eventBusTls != null ? eventBusTls : hasCertificates();
  }

  public SecurityOptions setEventBusTls(boolean eventBusTls) {
    this.eventBusTls = eventBusTls;
    return this;
  }

  /** The signing in force: as set, else certificate when certificates are configured, else none. */
  public Signing getSigning() {
    if (signing != null) {
      return signing;
    }
    return hasCertificates() ? Signing.CERTIFICATE : hmacSecretPath != null ? Signing.HMAC : Signing.NONE;
  }

  public SecurityOptions setSigning(Signing signing) {
    this.signing = signing;
    return this;
  }

  public String getHmacSecretPath() {
    return hmacSecretPath;
  }

  /** File holding the shared HMAC secret (its bytes without trailing line ends, at least {@value #MIN_HMAC_SECRET_BYTES}). */
  public SecurityOptions setHmacSecretPath(String hmacSecretPath) {
    this.hmacSecretPath = hmacSecretPath;
    return this;
  }

  /** Whether this node obeys strategy changes published on {@link MeshProtocol#STRATEGY_CONTROL_ADDRESS} (signed ones only, when signing is on). */
  public boolean isStrategyControl() {
    return strategyControl;
  }

  public SecurityOptions setStrategyControl(boolean strategyControl) {
    this.strategyControl = strategyControl;
    return this;
  }

  /** Per service, the node names (certificate CN) allowed to publish its replicas; a service not listed: any certified node. */
  public Map<String, Set<String>> getPublishers() {
    return Map.copyOf(publishers);
  }

  public SecurityOptions setPublishers(String service, Set<String> nodeNames) {
    publishers.put(service, Set.copyOf(nodeNames));
    return this;
  }

  public JsonObject toJson() {
    JsonObject allowed = new JsonObject();
    publishers.forEach((service, names) -> allowed.put(service, new JsonArray(List.copyOf(new TreeSet<>(names)))));
    JsonObject json = new JsonObject();
    if (keyPath != null) {
      json.put("keyPath", keyPath).put("certPath", certPath).put("caPath", caPath);
    }
    json.put("eventBusTls", isEventBusTls()).put("signing", getSigning().configName());
    if (hmacSecretPath != null) {
      json.put("hmacSecretPath", hmacSecretPath);
    }
    return json.put("strategyControl", strategyControl).put("publishers", allowed);
  }
}
