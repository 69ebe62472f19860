package org.kindling.tensor.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kindling.tensor.engine.Engine;
import org.kindling.tensor.engine.NaiveEngine;
import org.kindling.tensor.engine.ThreadedEngine;

/**
 * The profiler records engine operations with their thread only while running, aggregates them
 * per name and writes a Chrome trace.
 */
class ProfilerTest {
  @TempDir Path dir;

  @AfterEach
  void reset() {
    Profiler.stop();
    Profiler.clear();
  }

  @Test
  void recordsEngineOperationsOnlyWhileRunning() throws Exception {
    Profiler.clear();
    try (Engine e = new ThreadedEngine(1, 1)) {
      var v = e.newVar("v");
      e.push("before \"start\"", () -> { }, List.of(), List.of(v));
      e.waitAll();
      Profiler.start();
      for (int i = 0; i < 3; i++) {
        e.push("sleepy", () -> sleep(2), List.of(), List.of(v));
      }
      e.waitAll();
      Profiler.stop();
      e.push("after stop", () -> { }, List.of(), List.of(v));
      e.waitAll();
    }
    List<Profiler.Event> events = Profiler.events();
    assertThat(events).extracting(Profiler.Event::name).containsExactly("sleepy", "sleepy",
        "sleepy");
    for (Profiler.Event ev : events) {
      assertThat(ev.category()).isEqualTo(Profiler.ENGINE);
      assertThat(ev.thread()).contains("worker");
      assertThat(ev.nanos()).isGreaterThanOrEqualTo(2_000_000L);
    }
    List<ProfileTable.Row> rows = ProfileTable.rows(events);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).count()).isEqualTo(3);
    assertThat(rows.get(0).totalNanos()).isEqualTo(events.stream()
        .mapToLong(Profiler.Event::nanos).sum());
    assertThat(Profiler.table()).contains("sleepy").contains(Profiler.ENGINE);

    Path trace = dir.resolve("trace.json");
    Profiler.writeChromeTrace(trace);
    String json = Files.readString(trace);
    assertThat(json).startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[")
        .contains("\"ph\":\"X\"").contains("\"name\":\"sleepy\"").contains("\"ph\":\"M\"");
    assertThat(json.split("\"ph\":\"X\"", -1)).hasSize(4);
  }

  @Test
  void naiveEngineOperationsAndNamesAreRecordedAndQuoted() {
    Profiler.clear();
    Profiler.start();
    try (Engine e = new NaiveEngine()) {
      var v = e.newVar("v");
      e.push("a \"quoted\"\\name", () -> { }, List.of(), List.of(v));
    }
    Profiler.stop();
    assertThat(Profiler.events()).extracting(Profiler.Event::name)
        .containsExactly("a \"quoted\"\\name");
    assertThat(ChromeTrace.quote("a \"quoted\"\\name\n")).isEqualTo(
        "\"a \\\"quoted\\\"\\\\name\\u000a\"");
  }

  @Test
  void endIgnoresEventsBegunWhileStopped() {
    Profiler.clear();
    long began = Profiler.begin();
    assertThat(began).isZero();
    Profiler.start();
    Profiler.end(Profiler.OPERATOR, "never", began);
    Profiler.end(Profiler.OPERATOR, null, Profiler.begin());
    assertThat(Profiler.events()).isEmpty();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
