package io.busmesh.impl.trust;

/**
 * A record read from the cluster was refused: not signed, signed for another kind, a bad signature,
 * a signer the cluster's CA does not vouch for, or not an envelope at all. The message says which.
 */
public final class UntrustedRecordException extends Exception {

  private static final long serialVersionUID = 1L;

  /** @param reason why, starting in lower case, e.g. "its signature does not match its payload" */
  public UntrustedRecordException(String kind, String reason) {
    // No stack trace: a refusal is about data, not code, and junk may arrive in floods.
    super("Untrusted '" + kind + "' record: " + reason + ".", null, false, false);
  }
}
