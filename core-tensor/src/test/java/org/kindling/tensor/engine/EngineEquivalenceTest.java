package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.kindling.testing.SeededProperty;

/**
 * Random programs of reads, writes, read-modify-writes, failing operations, asynchronous
 * operations completed by another thread, refused nested waits and variable deletions, with
 * random priorities and pools, give the same results, and the same failures at the same waits,
 * under the threaded engine as under the synchronous one.
 */
class EngineEquivalenceTest {

  /**
   * What one run observed: final cell values, for each wait whether it threw, how many
   * deletions ran and how many failures the engine still holds at the end.
   */
  private record Outcome(List<Long> cells, List<String> waits, int deletions, int held) {}

  /** Completes asynchronous operations, as a network client's thread would. */
  private static final Executor COMPLETER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "equivalence-completer");
    t.setDaemon(true);
    return t;
  });

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
    ThreadedEngine threaded = new ThreadedEngine(threads, 1 + (int) (seed & 1));
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
    int ops = 300 + rnd.nextInt(300);
    Var[] vars = new Var[nVars];
    // vars[i] guards cells[cellOf[i]]; a replaced variable guards a new cell
    long[] cells = new long[nVars + ops];
    int[] cellOf = new int[nVars];
    int nCells = nVars;
    for (int i = 0; i < nVars; i++) {
      vars[i] = engine.newVar("v" + i);
      cells[i] = i + 1;
      cellOf[i] = i;
    }
    AtomicInteger deleted = new AtomicInteger();
    List<String> waits = new ArrayList<>();
    for (int n = 0; n < ops; n++) {
      int w = rnd.nextInt(nVars);
      int r1 = rnd.nextInt(nVars);
      int r2 = rnd.nextInt(nVars);
      int kind = rnd.nextInt(100);
      long k = rnd.nextInt(1000);
      // scheduling hints must never change a result: dependencies decide the order
      FnProperty prop = rnd.nextInt(4) == 0 ? FnProperty.IO : FnProperty.NORMAL;
      int priority = rnd.nextInt(5) - 2;
      List<Var> reads = new ArrayList<>();
      if (r1 != w) {
        reads.add(vars[r1]);
      }
      if (r2 != w && r2 != r1) {
        reads.add(vars[r2]);
      }
      // non-commutative update, so any reordering of dependent ops changes the result
      int cw = cellOf[w];
      int c1 = cellOf[r1];
      int c2 = cellOf[r2];
      Runnable update = () -> cells[cw] = cells[cw] * 31 + cells[c1] * 7 + cells[c2] + k;
      if (kind < 3) {
        int v = rnd.nextInt(nVars);
        waits.add(waitOutcome(() -> engine.waitToRead(vars[v])));
      } else if (kind < 5) {
        waits.add(waitOutcome(engine::waitAll));
      } else if (kind < 8) {
        // a failing writer: its outputs keep old values and poison later readers
        engine.push("fail" + n, () -> {
          throw new IllegalStateException("planned");
        }, List.of(), List.of(vars[w]), prop, priority);
      } else if (kind < 10) {
        // waiting inside an operation is refused, and so the operation fails
        Var target = vars[r1];
        engine.push("nestedWait" + n, () -> engine.waitToRead(target), reads,
            List.of(vars[w]), prop, priority);
      } else if (kind < 12) {
        // the array is released and replaced by a new one; an unreported failure of the old
        // one can only reach waitAll now
        engine.deleteVar(vars[w], deleted::incrementAndGet);
        vars[w] = engine.newVar("v" + w + "@" + n);
        cells[nCells] = k;
        cellOf[w] = nCells++;
      } else if (kind < 20) {
        // completed later by another thread, sometimes with a failure
        boolean fails = rnd.nextInt(4) == 0;
        engine.pushAsync("async" + n, done -> COMPLETER.execute(() -> {
          if (fails) {
            done.fail(new IllegalStateException("remote failure"));
          } else {
            update.run();
            done.done();
          }
        }), reads, List.of(vars[w]), prop, priority);
      } else {
        engine.push("op" + n, update, reads, List.of(vars[w]), prop, priority);
      }
    }
    waits.add(waitOutcome(engine::waitAll));
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < nCells; i++) {
      out.add(cells[i]);
    }
    return new Outcome(out, waits, deleted.get(), EngineKinds.heldFailures(engine));
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
