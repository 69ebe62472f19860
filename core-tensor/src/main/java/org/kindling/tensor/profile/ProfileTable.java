package org.kindling.tensor.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The aggregate table of {@link Profiler#table()}: one row per category and name. */
final class ProfileTable {
  /** The totals of one name. */
  record Row(String category, String name, long count, long totalNanos, long minNanos,
      long maxNanos) {
    Row add(long nanos) {
      return new Row(category, name, count + 1, totalNanos + nanos, Math.min(minNanos, nanos),
          Math.max(maxNanos, nanos));
    }
  }

  private ProfileTable() {}

  /** The rows of {@code events}: by category (alphabetical), then longest total first. */
  static List<Row> rows(List<Profiler.Event> events) {
    Map<String, Row> byName = new LinkedHashMap<>();
    for (Profiler.Event e : events) {
      byName.compute(e.category() + '\u0000' + e.name(), (k, r) -> r == null
          ? new Row(e.category(), e.name(), 1, e.nanos(), e.nanos(), e.nanos())
          : r.add(e.nanos()));
    }
    List<Row> rows = new ArrayList<>(byName.values());
    rows.sort(Comparator.comparing(Row::category)
        .thenComparing(Comparator.comparingLong(Row::totalNanos).reversed()));
    return rows;
  }

  static String format(List<Profiler.Event> events) {
    StringBuilder b = new StringBuilder();
    String category = null;
    long categoryTotal = 0;
    List<Row> rows = rows(events);
    Map<String, Long> totals = new LinkedHashMap<>();
    for (Row r : rows) {
      totals.merge(r.category(), r.totalNanos(), Long::sum);
    }
    for (Row r : rows) {
      if (!r.category().equals(category)) {
        category = r.category();
        categoryTotal = totals.get(category);
        b.append(String.format(Locale.ROOT, "%n%s (total %.3f ms)%n%-48s %8s %12s %10s %10s %10s"
            + " %6s%n", category, categoryTotal / 1e6, "Name", "Calls", "Total(ms)", "Avg(ms)",
            "Min(ms)", "Max(ms)", "%"));
      }
      b.append(String.format(Locale.ROOT, "%-48s %8d %12.3f %10.4f %10.4f %10.4f %6.1f%n",
          r.name(), r.count(), r.totalNanos() / 1e6, r.totalNanos() / 1e6 / r.count(),
          r.minNanos() / 1e6, r.maxNanos() / 1e6, 100.0 * r.totalNanos() / categoryTotal));
    }
    return b.toString();
  }
}
