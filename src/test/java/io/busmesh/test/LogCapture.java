package io.busmesh.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what a class logs (Vert.x's logging goes to java.util.logging here) while a test runs. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add(record.getLevel() + " " + record.getMessage() + causes(record.getThrown()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  /** {@code " [outer <- ... <- root cause]"}, or nothing when no exception was logged. */
  private static String causes(Throwable thrown) {
    if (thrown == null) {
      return "";
    }
    StringBuilder chain = new StringBuilder(" [").append(thrown);
    for (Throwable cause = thrown.getCause(); cause != null; cause = cause.getCause()) {
      chain.append(" <- ").append(cause);
    }
    return chain.append(']').toString();
  }

  private LogCapture(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  public static LogCapture of(Class<?> source) {
    return new LogCapture(source.getName());
  }

  /** For a class the test cannot name (package-private elsewhere). */
  public static LogCapture of(String className) {
    return new LogCapture(className);
  }

  /** The lines logged so far, each as {@code LEVEL message}, followed by {@code [exception <- its causes]} when one was logged. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  public boolean contains(String text) {
    return lines.stream().anyMatch(line -> line.contains(text));
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
