package org.kindling.testing;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;

/**
 * Property tests as plain JUnit 5 tests over seeded random cases.
 *
 * <p>{@link #check} draws {@code tries} cases from a generator, one {@link Random} per case, and
 * runs the property on each. Seeds are fixed for a given test method (derived from its class and
 * method name), so a run is repeatable and CI sees the same cases as the developer. When a case
 * fails, the assertion error names the seed and the generated case, and that one case is replayed
 * with {@code -Dkindling.seed=SEED} (for example {@code mvn -pl core-tensor test
 * -Dtest=ParamsFileRoundTripTest -Dkindling.seed=-81234}). {@code -Dkindling.tries=N} overrides the
 * number of cases of every property, to search harder locally.
 */
public final class SeededProperty {
  /** System property that replays one seed instead of the method's own sequence. */
  public static final String SEED_PROPERTY = "kindling.seed";
  /** System property that overrides the number of cases of every property. */
  public static final String TRIES_PROPERTY = "kindling.tries";

  private SeededProperty() {}

  /** Draws one case from a source of randomness. */
  @FunctionalInterface
  public interface Generator<T> {
    /** Returns a new case; all randomness must come from {@code random}. */
    T generate(Random random);
  }

  /** The property: throws (an assertion error, usually) when it does not hold for the case. */
  @FunctionalInterface
  public interface Property<T> {
    /** Checks the property for one case. */
    void check(T value) throws Exception;
  }

  /**
   * Runs {@code property} on {@code tries} cases drawn by {@code generator}.
   *
   * @throws AssertionError naming the seed, the case and how to replay it, on the first case
   *     for which the property throws
   */
  public static <T> void check(int tries, Generator<T> generator, Property<T> property) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be at least 1, got " + tries);
    }
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      runOne(Long.parseLong(replay.trim()), 0, 1, generator, property);
      return;
    }
    int n = Integer.getInteger(TRIES_PROPERTY, tries);
    long base = baseSeed(callerName());
    for (int i = 0; i < n; i++) {
      runOne(mix(base + i), i, n, generator, property);
    }
  }

  private static <T> void runOne(long seed, int index, int total, Generator<T> generator,
      Property<T> property) {
    T value = generator.generate(new Random(seed));
    try {
      property.check(value);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
        throw vme;
      }
      AssertionError e = new AssertionError(String.format(
          "property failed on case %d of %d, seed %d%n  case: %s%n  replay: -D%s=%d%n  cause: %s",
          index + 1, total, seed, describe(value), SEED_PROPERTY, seed, t), t);
      throw e;
    }
  }

  /** The calling test's class and method, found by walking past this class's frames. */
  private static String callerName() {
    return StackWalker.getInstance()
        .walk(frames -> frames.filter(f -> !f.getClassName().equals(SeededProperty.class.getName()))
            .findFirst()
            .map(f -> f.getClassName() + "#" + f.getMethodName())
            .orElse("unknown"));
  }

  private static long baseSeed(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return h;
  }

  /** SplitMix64's finalizer, so consecutive cases get unrelated seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A readable rendering of a generated case: arrays, collections, maps and records are shown
   * element by element (Java's own {@code toString} shows arrays as hashes). Long arrays are
   * abbreviated after 64 elements.
   */
  public static String describe(Object value) {
    StringBuilder sb = new StringBuilder();
    describe(value, sb);
    return sb.toString();
  }

  private static void describe(Object v, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v.getClass().isArray()) {
      int n = Array.getLength(v);
      StringJoiner j = new StringJoiner(", ", "[", "]");
      for (int i = 0; i < Math.min(n, 64); i++) {
        StringBuilder e = new StringBuilder();
        describe(Array.get(v, i), e);
        j.add(e);
      }
      if (n > 64) {
        j.add("... " + (n - 64) + " more (length " + n + ")");
      }
      sb.append(j);
    } else if (v instanceof Collection<?> c) {
      describe(c.toArray(), sb);
    } else if (v instanceof Map<?, ?> m) {
      StringJoiner j = new StringJoiner(", ", "{", "}");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        StringBuilder s = new StringBuilder();
        describe(e.getKey(), s);
        s.append('=');
        describe(e.getValue(), s);
        j.add(s);
      }
      sb.append(j);
    } else if (v.getClass().isRecord()) {
      StringJoiner j = new StringJoiner(", ", v.getClass().getSimpleName() + "[", "]");
      for (RecordComponent rc : v.getClass().getRecordComponents()) {
        StringBuilder s = new StringBuilder(rc.getName()).append('=');
        try {
          rc.getAccessor().setAccessible(true);
          describe(rc.getAccessor().invoke(v), s);
        } catch (ReflectiveOperationException | RuntimeException e) {
          s.append("<unreadable: ").append(e).append('>');
        }
        j.add(s);
      }
      sb.append(j);
    } else if (v instanceof String s) {
      sb.append('"').append(s).append('"');
    } else {
      sb.append(v);
    }
  }
}
