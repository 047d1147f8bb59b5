package io.busmesh.bench;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The overhead benchmark's results as one self-contained HTML page (inline SVG, no script, nothing
 * fetched): throughput per path and level as bars, latency percentiles per level as curves on a log
 * scale, the ratio table, and the CPU each JVM spent per call. Written next to the text report so a run can be
 * looked at, kept and linked.
 */
final class OverheadHtml {

  private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
  private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#7f7f7f"};
  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int MARGIN = 60;

  private OverheadHtml() {
  }

  static String render(OverheadReport report, BenchOptions options, JsonObject json) {
    List<String> paths = options.paths();
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>busmesh overhead</title><style>")
        .append("body{font:14px sans-serif;margin:2em;max-width:")
        .append(WIDTH + 40).append("px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;")
        .append("text-align:right}svg{background:#fafafa;margin:.5em 0}</style></head><body>")
        .append("<h1>busmesh overhead</h1><p>").append(Instant.now()).append(": a server JVM and ")
        .append(options.isolated() ? "one client JVM per path" : "one client JVM for all paths")
        .append(" on loopback; ").append(options.rounds()).append(" rounds per level, each run &le; ")
        .append(options.callsPerRun()).append(" calls and &le; ").append(options.maxSecondsPerRun()).append(" s.</p>");
    legend(html, paths);
    html.append("<h2>Throughput (calls/s)</h2>");
    throughput(html, report, options, paths);
    html.append("<h2>Latency percentiles (µs, log scale)</h2>");
    for (Level level : options.levels()) {
      html.append("<h3>").append(level.label()).append(" in flight</h3>");
      latency(html, report, level, paths);
    }
    html.append("<h2>Ratios</h2><table><tr><th>in flight</th><th>mode</th><th>baseline</th><th>calls/s</th>")
        .append("<th>round median</th><th>p50</th><th>p99</th><th>caller CPU / call</th><th>both JVMs' CPU / call</th>")
        .append("</tr>");
    json.getJsonArray("ratios").forEach(entry -> {
      JsonObject r = (JsonObject) entry;
      html.append("<tr><td>").append(r.getString("inFlight")).append("</td><td>").append(r.getString("mode"))
          .append("</td><td>").append(r.getString("baseline")).append("</td><td>").append(r.getValue("callsPerSecond"))
          .append("</td><td>").append(r.getValue("callsPerSecondRoundMedian")).append("</td><td>")
          .append(r.getValue("p50")).append("</td><td>").append(r.getValue("p99")).append("</td><td>")
          .append(r.getValue("clientCpuPerCall")).append("</td><td>").append(r.getValue("cpuPerCall")).append("</td></tr>");
    });
    html.append("</table><h2>CPU per call (µs)</h2><p>All threads of each JVM over the measured runs: event loops,")
        .append(" Hazelcast, GC and JIT (the caller's JIT time during the runs in the last column).</p><table><tr>")
        .append("<th>in flight</th><th>mode</th><th>caller JVM</th><th>server JVM</th><th>caller JIT, ms</th></tr>");
    for (Level level : options.levels()) {
      for (String path : paths) {
        Measurement m = report.measurement(path, level);
        html.append("<tr><td>").append(level.label()).append("</td><td>").append(path).append("</td><td>")
            .append(String.format("%.1f", m.clientCpuMicrosPerCall())).append("</td><td>")
            .append(String.format("%.1f", m.serverCpuMicrosPerCall())).append("</td><td>").append(m.clientJitMillis())
            .append("</td></tr>");
      }
    }
    html.append("</table><h2>Raw results</h2><pre>").append(escape(json.encodePrettily())).append("</pre></body></html>\n");
    return html.toString();
  }

  private static void legend(StringBuilder html, List<String> paths) {
    html.append("<p>");
    for (int i = 0; i < paths.size(); i++) {
      html.append("<span style=\"color:").append(colour(i)).append("\">&#9632; ").append(paths.get(i)).append("</span> ");
    }
    html.append("</p>");
  }

  private static void throughput(StringBuilder html, OverheadReport report, BenchOptions options, List<String> paths) {
    List<Level> levels = options.levels();
    double max = 1;
    for (Level level : levels) {
      for (String path : paths) {
        Measurement m = report.measurement(path, level);
        max = Math.max(max, m == null ? 0 : m.callsPerSecond());
      }
    }
    svgOpen(html);
    double groupWidth = (WIDTH - 2.0 * MARGIN) / levels.size();
    double barWidth = groupWidth * 0.8 / paths.size();
    axisY(html, 0, max, false);
    for (int l = 0; l < levels.size(); l++) {
      double x0 = MARGIN + l * groupWidth + groupWidth * 0.1;
      for (int p = 0; p < paths.size(); p++) {
        Measurement m = report.measurement(paths.get(p), levels.get(l));
        double value = m == null ? 0 : m.callsPerSecond();
        double h = (HEIGHT - 2.0 * MARGIN) * value / max;
        html.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
            + "<title>%s, %s in flight: %.0f calls/s</title></rect>", x0 + p * barWidth, HEIGHT - MARGIN - h,
            barWidth * 0.9, h, colour(p), paths.get(p), levels.get(l).label(), value));
      }
      html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s in flight</text>",
          MARGIN + (l + 0.5) * groupWidth, HEIGHT - MARGIN + 18, levels.get(l).label()));
    }
    html.append("</svg>");
  }

  private static void latency(StringBuilder html, OverheadReport report, Level level, List<String> paths) {
    double min = Double.MAX_VALUE;
    double max = 1;
    for (String path : paths) {
      Measurement m = report.measurement(path, level);
      for (double p : PERCENTILES) {
        if (m != null && m.calls() > 0) {
          min = Math.min(min, Math.max(1, m.micros(p)));
          max = Math.max(max, m.micros(p));
        }
      }
    }
    if (min == Double.MAX_VALUE) {
      return;
    }
    double logMin = Math.log10(min) - 0.1;
    double logMax = Math.log10(max) + 0.1;
    svgOpen(html);
    axisY(html, logMin, logMax, true);
    double step = (WIDTH - 2.0 * MARGIN) / (PERCENTILES.length - 1);
    for (int i = 0; i < PERCENTILES.length; i++) {
      html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">p%s</text>",
          MARGIN + i * step, HEIGHT - MARGIN + 18, trim(PERCENTILES[i])));
    }
    for (int p = 0; p < paths.size(); p++) {
      Measurement m = report.measurement(paths.get(p), level);
      if (m == null || m.calls() == 0) {
        continue;
      }
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < PERCENTILES.length; i++) {
        double y = HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * (Math.log10(Math.max(1, m.micros(PERCENTILES[i]))) - logMin)
            / (logMax - logMin);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", MARGIN + i * step, y));
      }
      html.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour(p)).append("\" points=\"")
          .append(points.toString().trim()).append("\"><title>").append(paths.get(p)).append("</title></polyline>");
    }
    html.append("</svg>");
  }

  /** Five labelled grid lines from {@code low} to {@code high} (log10 values when {@code log}). */
  private static void axisY(StringBuilder html, double low, double high, boolean log) {
    for (int i = 0; i <= 4; i++) {
      double v = low + (high - low) * i / 4;
      double y = HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * i / 4.0;
      html.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>", MARGIN, WIDTH - MARGIN, y, y, MARGIN - 6, y + 4,
          log ? Math.pow(10, v) : v));
    }
  }

  private static void svgOpen(StringBuilder html) {
    html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" font-size=\"12\">");
  }

  private static String colour(int index) {
    return COLOURS[index % COLOURS.length];
  }

  private static String trim(double percentile) {
    return percentile == Math.rint(percentile) ? String.valueOf((long) percentile) : String.valueOf(percentile);
  }

  /** Text as HTML: shared by the benchmarks' reports. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
