package org.kindling.tensor.profile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kindling.tensor.io.AtomicFiles;

/**
 * Writes events in the Chrome trace event format (the JSON object form), atomically as every
 * file Kindling writes ({@link AtomicFiles}): a run that fails while writing leaves no truncated
 * trace under the name.
 */
final class ChromeTrace {
  private ChromeTrace() {}

  static void write(List<Profiler.Event> events, Path file) throws IOException {
    long origin = Long.MAX_VALUE;
    Map<Long, String> threads = new LinkedHashMap<>();
    for (Profiler.Event e : events) {
      origin = Math.min(origin, e.startNanos());
      threads.putIfAbsent(e.threadId(), e.thread());
    }
    long start = origin;
    AtomicFiles.write(file, out -> writeTo(out, events, threads, start));
  }

  private static void writeTo(OutputStream out, List<Profiler.Event> events,
      Map<Long, String> threads, long origin) throws IOException {
    // flushed, not closed: AtomicFiles forces the file to disk after this returns
    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    w.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    boolean first = true;
    for (Map.Entry<Long, String> t : threads.entrySet()) {
      w.write(first ? "\n" : ",\n");
      first = false;
      w.write("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + t.getKey()
          + ",\"args\":{\"name\":" + quote(t.getValue()) + "}}");
    }
    for (Profiler.Event e : events) {
      w.write(first ? "\n" : ",\n");
      first = false;
      w.write(String.format(Locale.ROOT,
          "{\"name\":%s,\"cat\":%s,\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":1,\"tid\":%d}",
          quote(e.name()), quote(e.category()), (e.startNanos() - origin) / 1e3,
          e.nanos() / 1e3, e.threadId()));
    }
    w.write("\n]}\n");
    w.flush();
  }

  /** {@code s} as a JSON string. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
