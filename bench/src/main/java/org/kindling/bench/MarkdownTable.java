package org.kindling.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table built row by row. Cells are escaped so that a {@code |} or a line break inside
 * an error message cannot break the table.
 */
public final class MarkdownTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table with the given column headings. */
  public MarkdownTable(String... header) {
    if (header.length == 0) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = List.of(header);
  }

  /**
   * Appends one row.
   *
   * @throws IllegalArgumentException if the number of cells differs from the number of columns
   */
  public MarkdownTable row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + header.size() + " columns");
    }
    rows.add(List.of(cells));
    return this;
  }

  /** The header line, the separator line and one line per row, each ending in a newline. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    line(sb, header);
    sb.append('|');
    for (int i = 0; i < header.size(); i++) {
      sb.append("---|");
    }
    sb.append('\n');
    for (List<String> r : rows) {
      line(sb, r);
    }
    return sb.toString();
  }

  /** One row on its own, as printed line by line while a long run progresses. */
  public static String line(String... cells) {
    StringBuilder sb = new StringBuilder();
    line(sb, List.of(cells));
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells) {
    sb.append('|');
    for (String c : cells) {
      sb.append(' ').append(escape(c)).append(" |");
    }
    sb.append('\n');
  }

  static String escape(String cell) {
    return cell.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
  }
}
