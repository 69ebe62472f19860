package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.kindling.testing.SeededProperty;

/**
 * Random programs of reads, writes, read-modify-writes and failing operations on a few
 * variables give the same results, and the same failures at the same waits, under the
 * threaded engine as under the synchronous one.
 */
class EngineEquivalenceTest {

  /** What one run observed: final cell values, and for each wait whether it threw. */
  private record Outcome(List<Long> cells, List<String> waits) {}

  /** One random program (by its seed) and the number of engine threads. */
  private record Program(long seed, int threads) {}

  @Test
  void threadedEngineMatchesNaiveEngine() {
    SeededProperty.check(40, r -> new Program(r.nextLong(), r.nextInt(1, 4)),
        p -> threadedEngineMatchesNaiveEngine(p.seed(), p.threads()));
  }

  private static void threadedEngineMatchesNaiveEngine(long seed, int threads) {
    Outcome expected;
    try (Engine naive = new NaiveEngine()) {
      expected = run(naive, seed);
    }
    ThreadedEngine threaded = new ThreadedEngine(threads);
    // a broken engine may deadlock: fail the property instead of hanging the build
    CompletableFuture<Outcome> actual =
        CompletableFuture.supplyAsync(() -> run(threaded, seed), Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "equivalence-driver");
              t.setDaemon(true);
              return t;
            }));
    assertThat(actual).succeedsWithin(Duration.ofSeconds(60)).isEqualTo(expected);
    threaded.close();
  }

  private static Outcome run(Engine engine, long seed) {
    Random rnd = new Random(seed);
    int nVars = 2 + rnd.nextInt(4);
    Var[] vars = new Var[nVars];
    long[] cells = new long[nVars]; // cell i is guarded by vars[i]
    for (int i = 0; i < nVars; i++) {
      vars[i] = engine.newVar("v" + i);
      cells[i] = i + 1;
    }
    List<String> waits = new ArrayList<>();
    int ops = 300 + rnd.nextInt(300);
    for (int n = 0; n < ops; n++) {
      int w = rnd.nextInt(nVars);
      int r1 = rnd.nextInt(nVars);
      int r2 = rnd.nextInt(nVars);
      int kind = rnd.nextInt(100);
      long k = rnd.nextInt(1000);
      if (kind < 3) {
        int v = rnd.nextInt(nVars);
        waits.add(waitOutcome(() -> engine.waitToRead(vars[v])));
      } else if (kind < 5) {
        waits.add(waitOutcome(engine::waitAll));
      } else if (kind < 8) {
        // a failing writer: its outputs keep old values and poison later readers
        engine.push("fail" + n, () -> {
          throw new IllegalStateException("planned");
        }, List.of(), List.of(vars[w]));
      } else {
        List<Var> reads = new ArrayList<>();
        if (r1 != w) {
          reads.add(vars[r1]);
        }
        if (r2 != w && r2 != r1) {
          reads.add(vars[r2]);
        }
        // non-commutative update, so any reordering of dependent ops changes the result
        engine.push("op" + n, () -> cells[w] = cells[w] * 31 + cells[r1] * 7 + cells[r2] + k,
            reads, List.of(vars[w]));
      }
    }
    waits.add(waitOutcome(engine::waitAll));
    List<Long> out = new ArrayList<>();
    for (long c : cells) {
      out.add(c);
    }
    return new Outcome(out, waits);
  }

  private static String waitOutcome(Runnable wait) {
    try {
      wait.run();
      return "ok";
    } catch (EngineException e) {
      return "failed: " + e.getMessage();
    }
  }
}
