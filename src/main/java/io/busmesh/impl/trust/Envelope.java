package io.busmesh.impl.trust;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A control-plane record as it travels (the JSON format is in {@link RecordSigner}'s javadoc), and
 * the checks of its shape and size that come before any cryptography. Nothing read from an envelope
 * is echoed into a message unless it is known to be short and printable: messages end up in logs.
 *
 * @param certificate   the signer's certificate, base64 DER; null in hmac mode
 * @param intermediates intermediate CA certificates, base64 DER; empty when the signer sends none
 */
record Envelope(String kind, String payload, String signature, String certificate, List<String> intermediates) {

  static final int VERSION = 1;
  // The limits below are written out in RecordSigner's javadoc: change both together.
  static final int MAX_PAYLOAD_CHARS = 65_536;
  static final int MAX_CERTIFICATE_BYTES = 8_192;
  static final int MAX_INTERMEDIATES = 4;
  /** RSA-4096's 512-byte signature takes 684 characters; no signature busmesh makes is longer. */
  static final int MAX_SIGNATURE_CHARS = 1_024;
  static final int MAX_CERTIFICATE_CHARS = (MAX_CERTIFICATE_BYTES + 2) / 3 * 4;
  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  /** Prefixed to what is signed, so that a busmesh signature cannot be taken for one over anything else. */
  private static final String DOMAIN = "busmesh-record/" + VERSION + "\n";

  Envelope {
    intermediates = List.copyOf(intermediates);
  }

  /** @throws IllegalArgumentException if kind is not a kind name: a programming error, not bad data */
  static String checkKind(String kind) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("a record kind is 1 to 32 lower-case letters, digits and '-', starting with a letter; got "
          + (kind == null ? "null" : "\"" + printable(kind, 40) + "\""));
    }
    return kind;
  }

  /** The bytes a signature covers: the kind is bound in, so that a "load" record cannot pass for a "strategy" one. */
  static byte[] signedBytes(String kind, String payload) {
    return (DOMAIN + kind + "\n" + payload).getBytes(StandardCharsets.UTF_8);
  }

  byte[] signedBytes() {
    return signedBytes(kind, payload);
  }

  /** Whether json has an envelope's markers: a version, a payload text and a signature. */
  static boolean looksLikeOne(JsonObject json) {
    return json.getValue("v") instanceof Number && json.getValue("p") instanceof String && json.containsKey("s");
  }

  /**
   * Reads an envelope of the expected kind from a record read from the cluster, checking its
   * shape and sizes; the signature is not checked here.
   */
  static Envelope read(String expectedKind, Object record) throws UntrustedRecordException {
    if (!(record instanceof JsonObject json)) {
      throw new UntrustedRecordException(expectedKind, "expected a signed envelope (a JSON object), got " + describe(record));
    }
    if (!json.containsKey("v") && !json.containsKey("s")) {
      throw new UntrustedRecordException(expectedKind, "it is not signed: a plain JSON object where a signed envelope was"
          + " expected (its writer runs with \"signing\": \"none\", or is not a busmesh node)");
    }
    Object version = json.getValue("v");
    if (!(version instanceof Number number) || number.doubleValue() != VERSION) {
      throw new UntrustedRecordException(expectedKind, "its envelope format " + describe(version)
          + " is not understood (this node reads format " + VERSION + ")");
    }
    String kind = text(expectedKind, json, "k", 32);
    if (!KIND.matcher(kind).matches()) {
      throw new UntrustedRecordException(expectedKind, "its kind is not a kind name");
    }
    if (!kind.equals(expectedKind)) {
      throw new UntrustedRecordException(expectedKind, "it is a '" + kind + "' record, which cannot stand for a '"
          + expectedKind + "' one");
    }
    String payload = text(expectedKind, json, "p", MAX_PAYLOAD_CHARS);
    String signature = text(expectedKind, json, "s", MAX_SIGNATURE_CHARS);
    String certificate = json.containsKey("c") ? text(expectedKind, json, "c", MAX_CERTIFICATE_CHARS) : null;
    return new Envelope(kind, payload, signature, certificate, intermediates(expectedKind, json));
  }

  private static String text(String expectedKind, JsonObject json, String field, int maxChars) throws UntrustedRecordException {
    Object value = json.getValue(field);
    if (value == null) {
      throw new UntrustedRecordException(expectedKind, "its envelope has no '" + field + "'");
    }
    if (!(value instanceof String text)) {
      throw new UntrustedRecordException(expectedKind, "its envelope's '" + field + "' is " + describe(value) + ", not a string");
    }
    if (text.length() > maxChars) {
      throw new UntrustedRecordException(expectedKind, "its envelope's '" + field + "' is " + text.length()
          + " characters long, over the limit of " + maxChars);
    }
    return text;
  }

  private static List<String> intermediates(String expectedKind, JsonObject json) throws UntrustedRecordException {
    Object value = json.getValue("i");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_INTERMEDIATES) {
      throw new UntrustedRecordException(expectedKind, "its envelope's 'i' is not an array of at most "
          + MAX_INTERMEDIATES + " certificates");
    }
    List<String> certificates = new ArrayList<>(array.size());
    for (Object element : array) {
      if (!(element instanceof String certificate) || certificate.length() > MAX_CERTIFICATE_CHARS) {
        throw new UntrustedRecordException(expectedKind, "its envelope's 'i' holds " + describe(element)
            + " where a certificate (base64, at most " + MAX_CERTIFICATE_CHARS + " characters) was expected");
      }
      certificates.add(certificate);
    }
    return certificates;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("v", VERSION).put("k", kind).put("p", payload).put("s", signature);
    if (certificate != null) {
      json.put("c", certificate);
    }
    if (!intermediates.isEmpty()) {
      json.put("i", new JsonArray(new ArrayList<>(intermediates)));
    }
    return json;
  }

  /** The same envelope holding equal certificate strings, so that cached envelopes of one signer share them. */
  Envelope withCertificates(String certificate, List<String> intermediates) {
    return new Envelope(kind, payload, signature, certificate, intermediates);
  }

  byte[] signatureBytes() throws UntrustedRecordException {
    try {
      return Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new UntrustedRecordException(kind, "its signature is not base64");
    }
  }

  /** The payload text as a JSON object: only after its signature is checked, when signing is on. */
  JsonObject parsePayload() throws UntrustedRecordException {
    Object value;
    try {
      value = Json.decodeValue(payload);
    } catch (RuntimeException e) {
      throw new UntrustedRecordException(kind, "its payload is not JSON (" + printable(String.valueOf(e.getMessage()), 160) + ")");
    }
    if (!(value instanceof JsonObject object)) {
      throw new UntrustedRecordException(kind, "its payload is " + describe(value) + ", not a JSON object");
    }
    return object;
  }

  /** What a value is, without its content. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "a string of " + text.length() + " characters";
    }
    if (value instanceof Number number && number.toString().length() <= 20) {
      return "the number " + number;
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** Text safe to log: control characters replaced, cut to maxChars. */
  static String printable(String text, int maxChars) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars + 3));
    for (int i = 0; i < text.length() && i < maxChars; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return text.length() > maxChars ? out.append("...").toString() : out.toString();
  }
}
