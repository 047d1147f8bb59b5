package io.busmesh.impl.log;

/**
 * Makes text that came from the network safe to put in a log line: control characters (a newline
 * would forge a second log line) are escaped, and the length is capped so that a 10 MB string
 * costs a line, not 10 MB of log.
 */
public final class LogText {

  /** Characters of a foreign string kept in a log line. */
  public static final int MAX_CHARS = 200;

  private LogText() {
  }

  /** {@code value} quoted, escaped and cut to {@link #MAX_CHARS}; {@code null} for null. */
  public static String quote(Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16).append('"');
    int shown = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
    if (text.length() > shown) {
      out.append("…(").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  /** What a value is, without its content: its JSON or Java type. */
  public static String typeOf(Object value) {
    return value == null ? "nothing" : value.getClass().getSimpleName();
  }
}
