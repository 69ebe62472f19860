package org.kindling.bench.train;

import java.util.Locale;
import org.kindling.bench.MarkdownTable;
import org.kindling.bench.Stats;

/**
 * What one framework achieved, or why it did not run.
 *
 * @param framework display name, e.g. {@code PyTorch (DJL)}
 * @param version library version(s), e.g. {@code 2.7.1 / DJL 0.35.1}
 * @param samplesPerSecond one value per timed epoch (or data pass); empty if it did not run
 * @param epochs what was trained, e.g. {@code 1 + 5}
 * @param testAccuracy accuracy on the test set after training; NaN if it did not run
 * @param notes how this framework's run differs from the common recipe, or the failure
 */
public record TrainResult(
    String framework,
    String version,
    double[] samplesPerSecond,
    String epochs,
    double testAccuracy,
    String notes) {

  /** Column headings matching {@link #cells(int, double)}. */
  public static final String[] HEADER = {
    "framework", "version", "threads", "epochs (warm-up + timed)", "samples/s (median)",
    "samples/s (min-max)", "Kindling / this", "test accuracy", "notes"
  };

  public TrainResult {
    samplesPerSecond = samplesPerSecond.clone();
  }

  /** A row for a framework that could not be resolved, loaded or run. */
  public static TrainResult notRun(String framework, String why) {
    return new TrainResult(framework, "-", new double[0], "-", Double.NaN, why);
  }

  /** Whether the framework ran to the end. */
  public boolean ran() {
    return samplesPerSecond.length > 0;
  }

  /** The median samples/s over the timed epochs; NaN if the framework did not run. */
  public double medianRate() {
    return ran() ? Stats.median(samplesPerSecond) : Double.NaN;
  }

  /**
   * The Markdown cells of this result's row.
   *
   * @param kindlingRate Kindling's median samples/s in the same run, for the speed ratio
   *     column (above 1: Kindling is faster); NaN when Kindling has no figure
   */
  public String[] cells(int threads, double kindlingRate) {
    if (!ran()) {
      return new String[] {
        framework, version, Integer.toString(threads), epochs, "not run", "-", "-", "-", notes
      };
    }
    return new String[] {
      framework,
      version,
      Integer.toString(threads),
      epochs,
      String.format(Locale.ROOT, "%.0f", medianRate()),
      String.format(Locale.ROOT, "%.0f-%.0f", Stats.min(samplesPerSecond), Stats.max(samplesPerSecond)),
      ratio(kindlingRate, medianRate()),
      Double.isNaN(testAccuracy) ? "-" : String.format(Locale.ROOT, "%.4f", testAccuracy),
      notes
    };
  }

  /** {@code a / b} with two decimals, or "-" if either is missing. */
  static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  /** This result as one Markdown table line (see {@link #cells(int, double)}). */
  public String markdownRow(int threads, double kindlingRate) {
    return MarkdownTable.line(cells(threads, kindlingRate));
  }
}
