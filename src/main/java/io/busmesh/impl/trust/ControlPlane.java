package io.busmesh.impl.trust;

import io.busmesh.SecurityOptions;
import io.busmesh.impl.load.Clock;
import io.busmesh.impl.log.LogText;
import io.busmesh.impl.log.RateLimitedLog;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * What a node writes to, and believes from, the cluster's control plane: records are sealed with
 * the node's {@link RecordSigner} and opened (verified) before any use; what fails is ignored,
 * counted and logged at most once a minute. Also answers who may publish which service, and
 * whether a record's time is recent enough to be more than a replay.
 */
public final class ControlPlane {

  /** Kinds of records: a signature binds the kind, so one kind cannot be replayed as another. */
  public static final String REPLICA = "replica";
  public static final String LOAD = "load";
  public static final String STRATEGY = "strategy";
  public static final String VIEW = "view";
  /** Clock difference between nodes tolerated on timestamped records (strategy and view changes). */
  public static final long MAX_SKEW_MS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final RecordSigner signer;
  private final Map<String, Set<String>> publishers;
  private final Clock clock;
  private final RateLimitedLog rejected;

  public ControlPlane(RecordSigner signer, SecurityOptions security, Clock clock) {
    this.signer = signer;
    this.publishers = security.getPublishers();
    this.clock = clock;
    this.rejected = new RateLimitedLog(log, clock, 60_000);
  }

  /** Unsigned: for a node, or a test, that runs without signing. */
  public static ControlPlane unsigned(Clock clock) {
    return new ControlPlane(PassThroughSigner.INSTANCE, new SecurityOptions(), clock);
  }

  public boolean isSigning() {
    return signer.isSigning();
  }

  public JsonObject seal(String kind, JsonObject payload) {
    return signer.seal(kind, payload);
  }

  /**
   * The verified record, or null when it must be ignored (then counted, and logged at most once a
   * minute with {@code from}, which says where it was read).
   */
  public SignedRecord open(String kind, Object record, String from) {
    try {
      return signer.open(kind, record);
    } catch (UntrustedRecordException e) {
      reject("Ignored a " + kind + " record from " + from + ": " + LogText.quote(e.getMessage()));
      return null;
    }
  }

  /** Whether {@code signer} may publish replicas of {@code service}: any signer unless the service lists its publishers. */
  public boolean mayPublish(String signer, String service) {
    Set<String> allowed = publishers.get(service);
    return allowed == null || allowed.contains(signer);
  }

  /** Whether a record stamped {@code atMillis} is recent, within the tolerated skew, when signing (otherwise anything goes). */
  public boolean isRecent(Object atMillis) {
    if (!signer.isSigning()) {
      return true;
    }
    return atMillis instanceof Long || atMillis instanceof Integer
        ? Math.abs(clock.currentTimeMillis() - ((Number) atMillis).longValue()) <= MAX_SKEW_MS : false;
  }

  /** Counts and logs (at most once a minute) a record refused for a reason found after it was opened. */
  public void reject(String why) {
    rejected.warn(why);
  }

  /** Records refused so far. */
  public long rejected() {
    return rejected.total();
  }
}
