package org.kindling.tensor.engine;

/**
 * The process-wide {@link Engine}. Chosen once, on first use, by the system property
 * {@code kindling.engine}: {@code threaded} (default) or {@code naive} (synchronous, for
 * debugging). {@code kindling.engine.threads} sets the threaded engine's worker count
 * (default: available processors).
 */
public final class Engines {
  private static volatile Engine engine;

  private Engines() {}

  /** The process-wide engine, created on first call. */
  public static Engine get() {
    Engine e = engine;
    if (e == null) {
      synchronized (Engines.class) {
        e = engine;
        if (e == null) {
          e = create(System.getProperty("kindling.engine", "threaded"));
          engine = e;
        }
      }
    }
    return e;
  }

  /**
   * Worker threads for the threaded engine: {@code -Dkindling.engine.threads}, default the
   * number of available processors.
   *
   * @throws IllegalArgumentException if the property is not a positive integer
   */
  static int threads() {
    String s = System.getProperty("kindling.engine.threads");
    if (s == null || s.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-Dkindling.engine.threads=" + s + " is not a positive integer");
  }

  /** Creates an engine of the named kind ({@code threaded} or {@code naive}). */
  public static Engine create(String kind) {
    switch (kind) {
      case "naive":
        return new NaiveEngine();
      case "threaded":
        return new ThreadedEngine(threads());
      default:
        throw new IllegalArgumentException(
            "unknown engine '" + kind + "' in -Dkindling.engine (use threaded or naive)");
    }
  }
}
