package org.kindling.symbol.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * A re-implementation of dmlc-core's {@code JSONWriter} layout, so symbol JSON matches MXNet's
 * text byte for byte: a multi-line scope puts each member on its own line indented two spaces
 * per open scope, members are separated by {@code ", "} before the newline, and single-line
 * scopes use {@code ", "} only.
 */
final class DmlcJsonWriter {
  private final StringBuilder out = new StringBuilder();
  private final List<Boolean> multiLine = new ArrayList<>();
  private final List<Integer> counter = new ArrayList<>();

  void beginObject(boolean multi) {
    begin('{', multi);
  }

  void endObject() {
    end('}');
  }

  void beginArray(boolean multi) {
    begin('[', multi);
  }

  void endArray() {
    end(']');
  }

  private void begin(char open, boolean multi) {
    out.append(open);
    multiLine.add(multi);
    counter.add(0);
  }

  private void end(char close) {
    boolean newline = multiLine.remove(multiLine.size() - 1);
    int n = counter.remove(counter.size() - 1);
    if (newline && n != 0) {
      separator();
    }
    out.append(close);
  }

  /** Writes {@code "key": } at the right place; the caller writes the value next. */
  void key(String key) {
    int top = counter.size() - 1;
    if (counter.get(top) != 0) {
      out.append(", ");
    }
    separator();
    out.append('"').append(key).append("\": ");
    counter.set(top, counter.get(top) + 1);
  }

  /** Starts the next array item; the caller writes the value next. */
  void item() {
    int top = counter.size() - 1;
    if (counter.get(top) != 0) {
      out.append(", ");
    }
    counter.set(top, counter.get(top) + 1);
    separator();
  }

  void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        default -> out.append(c);
      }
    }
    out.append('"');
  }

  void number(long v) {
    out.append(v);
  }

  /** An array of ints, multi-line when longer than 10 as dmlc's POD array handler does. */
  void intArray(int[] values) {
    beginArray(values.length > 10);
    for (int v : values) {
      item();
      number(v);
    }
    endArray();
  }

  private void separator() {
    if (multiLine.isEmpty() || multiLine.get(multiLine.size() - 1)) {
      out.append('\n');
      out.append(" ".repeat(multiLine.size() * 2));
    }
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
