package io.busmesh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one JSON object of configuration with the errors a user can act on: a misspelt key, a
 * wrong type or an out-of-range value fails at once with a sentence naming the key, the value and
 * what is expected, instead of being ignored or turned into a default. busmesh reads its options
 * with it; your verticles' {@code conf} and your strategies' settings can use it too.
 */
public final class ConfigReader {

  private final String where;
  private final JsonObject json;

  /**
   * @param where     names the object in messages, e.g. {@code "conf of CalculatorVerticle"}
   * @param json      the object to read ({@code null} reads as empty)
   * @param knownKeys every key the reader accepts; any other key is rejected as a likely typo
   */
  public ConfigReader(String where, JsonObject json, String... knownKeys) {
    this.where = where;
    this.json = json == null ? new JsonObject() : json;
    List<String> known = Arrays.asList(knownKeys);
    Set<String> unknown = new TreeSet<>(this.json.fieldNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw fail("unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown + "; the keys it accepts are " + known);
    }
  }

  public String string(String key, String defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw fail("'" + key + "' must be a non-empty string, got " + show(v));
    }
    return s;
  }

  public int positiveInt(String key, int defaultValue) {
    return (int) longInRange(key, defaultValue, 1, Integer.MAX_VALUE, "a positive integer");
  }

  public long nonNegativeLong(String key, long defaultValue) {
    return longInRange(key, defaultValue, 0, Long.MAX_VALUE, "an integer ≥ 0");
  }

  public long positiveLong(String key, long defaultValue) {
    return longInRange(key, defaultValue, 1, Long.MAX_VALUE, "a positive integer");
  }

  /** An integer in [{@code min}, {@code max}]; {@code 1e3} counts as an integer, {@code 1.5} or {@code "5"} does not. */
  public long longBetween(String key, long defaultValue, long min, long max) {
    return longInRange(key, defaultValue, min, max, "an integer between " + min + " and " + max);
  }

  public int intBetween(String key, int defaultValue, int min, int max) {
    return (int) longBetween(key, defaultValue, min, max);
  }

  /** A finite number in [{@code min}, {@code max}]. */
  public double doubleBetween(String key, double defaultValue, double min, double max) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw fail("'" + key + "' must be a number between " + min + " and " + max + ", got " + show(v));
    }
    return n.doubleValue();
  }

  public double fraction(String key, double defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= 0.0 && n.doubleValue() <= 1.0)) {
      throw fail("'" + key + "' must be a number between 0.0 and 1.0, got " + show(v));
    }
    return n.doubleValue();
  }

  public double nonNegativeDouble(String key, double defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= 0)) {
      throw fail("'" + key + "' must be a number ≥ 0, got " + show(v));
    }
    return n.doubleValue();
  }

  /** A JSON array of strings, as a set. */
  public Set<String> strings(String key, Set<String> defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof JsonArray array) || !array.stream().allMatch(e -> e instanceof String)) {
      throw fail("'" + key + "' must be a JSON array of strings, got " + show(v));
    }
    Set<String> result = new TreeSet<>();
    array.forEach(e -> result.add((String) e));
    return result;
  }

  public boolean bool(String key, boolean defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw fail("'" + key + "' must be true or false, got " + show(v));
    }
    return b;
  }

  public JsonObject object(String key, JsonObject defaultValue) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof JsonObject o)) {
      throw fail("'" + key + "' must be a JSON object, got " + show(v));
    }
    return o;
  }

  /**
   * For setters: {@code value} if it is in [{@code min}, {@code max}].
   *
   * @throws IllegalArgumentException naming the setting, the range and the value
   */
  public static long checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  private long longInRange(String key, long defaultValue, long min, long max, String expected) {
    Object v = json.getValue(key);
    if (v == null) {
      return defaultValue;
    }
    // Doubles must be whole and within long's range: 1e300 would otherwise read as Long.MAX_VALUE.
    boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 0x1p62);
    if (!integral || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw fail("'" + key + "' must be " + expected + ", got " + show(v));
    }
    return ((Number) v).longValue();
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException("Invalid " + where + ": " + problem + ".");
  }

  private static String show(Object v) {
    String text = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }
}
