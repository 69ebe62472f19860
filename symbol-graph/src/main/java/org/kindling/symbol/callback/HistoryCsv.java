package org.kindling.symbol.callback;

import java.util.List;

/**
 * A history as CSV: a header {@code epoch,COLUMN...,seconds}, then one row per epoch. Numbers are
 * Java's shortest round-trip form ({@code 0.9125}, {@code 1.0E-5}, {@code NaN}); a column an
 * epoch did not report is empty; a header field with a comma, quote or line break is quoted as
 * RFC 4180 says.
 */
final class HistoryCsv {
  private HistoryCsv() {}

  static String format(List<EpochRecord> epochs, List<String> columns) {
    StringBuilder s = new StringBuilder("epoch");
    for (String c : columns) {
      s.append(',').append(quote(c));
    }
    s.append(",seconds\n");
    for (EpochRecord e : epochs) {
      s.append(e.epoch());
      for (String c : columns) {
        Double v = e.values().get(c);
        s.append(',').append(v == null ? "" : Double.toString(v));
      }
      s.append(',').append(e.seconds()).append('\n');
    }
    return s.toString();
  }

  private static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0
        && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
