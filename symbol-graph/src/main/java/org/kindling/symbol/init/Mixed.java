package org.kindling.symbol.init;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.kindling.tensor.NDArray;

/**
 * MXNet's {@code mx.init.Mixed}: the first pattern that matches the start of a parameter's name
 * (Python's {@code re.match}) picks its initializer. End with {@code ".*"} to give a default.
 */
public final class Mixed extends Initializer {
  private final List<Pattern> patterns = new ArrayList<>();
  private final List<Initializer> initializers;

  /**
   * @param patterns regular expressions (Java syntax, which agrees with Python's for the usual
   *     constructs), tried in order
   * @param initializers one per pattern
   * @throws IllegalArgumentException for a count mismatch or an invalid pattern, naming it
   */
  public Mixed(List<String> patterns, List<? extends Initializer> initializers) {
    if (patterns.size() != initializers.size()) {
      throw new IllegalArgumentException("Mixed: " + patterns.size() + " patterns but "
          + initializers.size() + " initializers");
    }
    for (String p : patterns) {
      try {
        this.patterns.add(Pattern.compile(p));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "Mixed: pattern '" + p + "' is not a valid regular expression: " + e.getMessage(), e);
      }
    }
    this.initializers = List.copyOf(initializers);
  }

  /**
   * Initializes with the first matching pattern's initializer.
   *
   * @throws IllegalArgumentException if no pattern matches, naming the parameter
   */
  @Override
  public void init(InitDesc desc, NDArray array) {
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(desc.name()).lookingAt()) {
        initializers.get(i).init(desc, array);
        return;
      }
    }
    throw new IllegalArgumentException("parameter '" + desc.name() + "' matches none of the "
        + "patterns " + patterns + "; add a \".*\" pattern at the end with a default "
        + "initializer");
  }
}
