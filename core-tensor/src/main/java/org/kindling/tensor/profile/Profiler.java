package org.kindling.tensor.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator profiler of this JVM, as MXNet's {@code mx.profiler}: while running it records
 * one {@link Event} per engine operation ({@link #ENGINE}), per operator a bound executor runs
 * ({@link #OPERATOR}) and per oneDNN primitive or reorder ({@link #DNNL}), with the thread that
 * ran it. {@link #table()} aggregates them per name (MXNet's {@code profiler.dumps()}), {@link
 * #writeChromeTrace} writes them for chrome://tracing or Perfetto.
 *
 * <p>Off by default; then {@link #begin()} is one volatile read and {@link #end} returns at once.
 * {@code -Dkindling.profiler=trace.json} starts it when the class loads and writes the trace
 * (and logs the table) when the JVM exits.
 *
 * <p>Usage: {@code long t = Profiler.begin(); ...work...; Profiler.end(Profiler.OPERATOR, name,
 * t);}
 */
public final class Profiler {
  /** System property: a file to write the Chrome trace to at exit; starts the profiler. */
  public static final String PROPERTY = "kindling.profiler";
  /** Category of engine operations (executor steps, array operations). */
  public static final String ENGINE = "engine";
  /** Category of the operators of a bound executor's steps. */
  public static final String OPERATOR = "operator";
  /** Category of oneDNN primitives and reorders. */
  public static final String DNNL = "dnnl";

  private static final Logger LOG = LoggerFactory.getLogger(Profiler.class);
  private static final ConcurrentLinkedQueue<Event> EVENTS = new ConcurrentLinkedQueue<>();
  private static volatile boolean running;

  /**
   * One timed event.
   *
   * @param category {@link #ENGINE}, {@link #OPERATOR}, {@link #DNNL} or the caller's
   * @param name what ran, e.g. an operator or a node name
   * @param thread the name of the thread it ran on
   * @param threadId that thread's id
   * @param startNanos {@link System#nanoTime()} at its start
   * @param endNanos and at its end
   */
  public record Event(String category, String name, String thread, long threadId,
      long startNanos, long endNanos) {
    /** Its duration in nanoseconds. */
    public long nanos() {
      return endNanos - startNanos;
    }
  }

  static {
    String file = System.getProperty(PROPERTY);
    if (file != null && !file.isBlank()) {
      start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop();
        writeChromeTrace(Path.of(file));
        LOG.info("profile written to {}\n{}", file, table());
      }, "kindling-profiler-dump"));
    }
  }

  private Profiler() {}

  /** Starts (or resumes) recording; the events recorded so far stay. */
  public static void start() {
    running = true;
  }

  /** Drops the events recorded so far. */
  public static void clear() {
    EVENTS.clear();
  }

  /** Stops recording; the events recorded stay until {@link #clear()}. */
  public static void stop() {
    running = false;
  }

  /** True while recording. */
  public static boolean isRunning() {
    return running;
  }

  /** The start time of an event, or 0 when not recording (then {@link #end} ignores it). */
  public static long begin() {
    return running ? System.nanoTime() : 0L;
  }

  /**
   * Records an event from {@code begin} (a {@link #begin()} result) to now on this thread;
   * nothing if {@code begin} is 0, {@code name} is null or recording stopped since.
   */
  public static void end(String category, String name, long begin) {
    if (begin != 0L && name != null && running) {
      long now = System.nanoTime();
      Thread t = Thread.currentThread();
      EVENTS.add(new Event(category, name, t.getName(), t.getId(), begin, now));
    }
  }

  /** The events recorded, in the order they ended. */
  public static List<Event> events() {
    return new ArrayList<>(EVENTS);
  }

  /**
   * The aggregate table of the events recorded: per category and name the count and the total,
   * mean, min and max milliseconds, longest total first within a category.
   */
  public static String table() {
    return ProfileTable.format(events());
  }

  /**
   * Writes the events recorded as a Chrome trace (the JSON object format: complete events
   * {@code "ph":"X"} in microseconds, one row per thread), for chrome://tracing or
   * ui.perfetto.dev.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writeChromeTrace(Path file) {
    try {
      ChromeTrace.write(events(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the profile to " + file + ": " + e, e);
    }
  }
}
