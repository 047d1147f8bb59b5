package io.busmesh.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The strategy benchmark's results as one self-contained HTML page (inline SVG, no script): per
 * strategy, the share of calls sent to the slow replica and the tail it cost; the spread of in-flight
 * calls with the shared and the local view; the tail with and without hedging. Horizontal bars, one
 * per row, with the value written at its end.
 */
final class StrategyHtml {

  private static final int WIDTH = 720;
  private static final int LABEL_WIDTH = 260;
  private static final int ROW_HEIGHT = 22;

  private StrategyHtml() {
  }

  static String render(JsonObject json) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>busmesh strategies</title><style>")
        .append("body{font:14px sans-serif;margin:2em;max-width:").append(WIDTH + 40)
        .append("px}svg{background:#fafafa;margin:.3em 0}</style></head><body><h1>busmesh strategies</h1><p>")
        .append(Instant.now()).append(": one client JVM and one server JVM on loopback.</p>");
    rows(json, "slowReplica").ifPresent(rows -> {
      html.append("<h2>One replica 20&times; slower: share of calls sent to it</h2>");
      bars(html, rows, r -> r.getString("strategy"), r -> r.getDouble("slowSharePercent"), "%", "#d62728");
      html.append("<h2>The same runs: p99.9 latency (µs)</h2>");
      bars(html, rows, r -> r.getString("strategy"), r -> r.getDouble("p999Us"), " µs", "#1f77b4");
    });
    rows(json, "sharedView").ifPresent(rows -> {
      html.append("<h2>Several caller nodes: busiest replica's in-flight calls over the mean (1 is even), shared"
          + " view and local view</h2>");
      bars(html, rows, r -> r.getString("strategy") + " (" + r.getString("view") + ")",
          r -> r.getDouble("maxOverMean"), "", "#2ca02c");
    });
    rows(json, "hedging").ifPresent(rows -> {
      html.append("<h2>Hedging: p99 latency (µs) without and with it</h2>");
      bars(html, rows, r -> r.getString("service") + " " + r.getString("mode"), r -> r.getDouble("p99Us"), " µs", "#9467bd");
      html.append("<h2>Hedging: extra requests (%)</h2>");
      bars(html, rows, r -> r.getString("service") + " " + r.getString("mode"), r -> r.getDouble("extraLoadPercent", 0.0),
          "%", "#7f7f7f");
    });
    html.append("<h2>Raw results</h2><pre>").append(OverheadHtml.escape(json.encodePrettily())).append("</pre></body></html>\n");
    return html.toString();
  }

  private static Optional<List<JsonObject>> rows(JsonObject json, String key) {
    JsonArray array = json.getJsonArray(key);
    if (array == null || array.isEmpty()) {
      return Optional.empty();
    }
    List<JsonObject> rows = new ArrayList<>();
    array.forEach(row -> rows.add((JsonObject) row));
    return Optional.of(rows);
  }

  private static void bars(StringBuilder html, List<JsonObject> rows, Function<JsonObject, String> label,
                           Function<JsonObject, Double> value, String unit, String colour) {
    double max = rows.stream().mapToDouble(r -> orZero(value.apply(r))).max().orElse(0);
    int height = rows.size() * ROW_HEIGHT + 8;
    html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(height).append("\" font-size=\"12\">");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.get(i);
      double v = orZero(value.apply(row));
      double w = max == 0 ? 0 : (WIDTH - LABEL_WIDTH - 90) * v / max;
      int y = 4 + i * ROW_HEIGHT;
      html.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
              + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
              + "<text x=\"%.1f\" y=\"%d\">%s%s</text>", LABEL_WIDTH - 6, y + 15, OverheadHtml.escape(label.apply(row)), LABEL_WIDTH, y + 2,
          w, ROW_HEIGHT - 6, colour, LABEL_WIDTH + w + 4, y + 15, format(v), unit));
    }
    html.append("</svg>");
  }

  private static double orZero(Double value) {
    return value == null || value.isNaN() ? 0 : value;
  }

  private static String format(double value) {
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
  }
}
