package org.kindling.tensor.engine;

/**
 * The process-wide {@link Engine}. Chosen once, on first use, by the system property
 * {@code kindling.engine}: {@code threaded} (default) or {@code naive} (synchronous, for
 * debugging). The threaded engine's worker counts come from the {@link ThreadBudget}.
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
   * Creates an engine of the named kind ({@code threaded} or {@code naive}).
   *
   * @throws IllegalArgumentException if the kind is unknown or a thread-count property is not
   *     a positive integer
   */
  public static Engine create(String kind) {
    switch (kind) {
      case "naive":
        return new NaiveEngine();
      case "threaded":
        ThreadBudget budget = ThreadBudget.fromSystemProperties();
        return new ThreadedEngine(budget.engineThreads(), budget.ioThreads());
      default:
        throw new IllegalArgumentException(
            "unknown engine '" + kind + "' in -Dkindling.engine (use threaded or naive)");
    }
  }
}
