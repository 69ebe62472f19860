package org.kindling.tensor.profile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes events in the Chrome trace event format (the JSON object form). */
final class ChromeTrace {
  private ChromeTrace() {}

  static void write(List<Profiler.Event> events, Path file) throws IOException {
    long origin = Long.MAX_VALUE;
    Map<Long, String> threads = new LinkedHashMap<>();
    for (Profiler.Event e : events) {
      origin = Math.min(origin, e.startNanos());
      threads.putIfAbsent(e.threadId(), e.thread());
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
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
    }
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
