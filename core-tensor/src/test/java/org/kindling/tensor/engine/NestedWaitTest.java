package org.kindling.tensor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A wait inside an engine operation is refused with a clear error, under both engines and with
 * a single worker, instead of running other operations on the waiting thread's stack or
 * deadlocking.
 */
class NestedWaitTest {
  /** Only a guard against a deadlocked engine hanging the build; no timing is asserted. */
  private static final Duration DEADLOCK_GUARD = Duration.ofSeconds(60);

  private static String refusal(String what, String op) {
    return what + " inside engine operation '" + op + "' is not allowed: an operation must not"
        + " block on the engine (it could deadlock). List the variable in the operation's reads"
        + " or writes, push the rest as a dependent operation, or push work that completes later"
        + " with pushAsync";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void waitForWorkPushedFromTheSameOperationIsRefused(String kind, Supplier<Engine> make) {
    assertTimeoutPreemptively(DEADLOCK_GUARD, () -> {
      try (Engine e = make.get()) {
        Var a = e.newVar("a");
        Var result = e.newVar("result");
        AtomicBoolean insideOuter = new AtomicBoolean();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        e.push("outer", () -> {
          insideOuter.set(true);
          try {
            e.push("produce", () -> log.add("produce, outer running: " + insideOuter.get()),
                List.of(), List.of(a));
            e.waitToRead(a); // with one worker, only this thread could run 'produce'
            log.add("outer went on");
          } finally {
            insideOuter.set(false);
          }
        }, List.of(), List.of(result));
        assertThatThrownBy(() -> e.waitToRead(result))
            .isInstanceOf(EngineException.class)
            .hasCauseInstanceOf(IllegalStateException.class)
            .hasRootCauseMessage(refusal("waitToRead on 'a'", "outer"));
        e.waitToRead(a);
        // 'produce' ran exactly once. The naive engine runs it at once, inside the push (program
        // order there); a single worker can only run it after 'outer' has left the thread; with
        // three workers another worker may run it while 'outer' is still unwinding.
        assertThat(log).hasSize(1);
        if (kind.equals("naive")) {
          assertThat(log).containsExactly("produce, outer running: true");
        } else if (kind.equals("threaded, one worker")) {
          assertThat(log).containsExactly("produce, outer running: false");
        } else {
          assertThat(log.get(0)).startsWith("produce, outer running: ");
        }
      }
    });
  }

  /** Every kind of wait, from every kind of engine callback, nested two operations deep. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.kindling.tensor.engine.EngineKinds#all")
  void everyWaitInsideEveryKindOfOperationIsRefused(String kind, Supplier<Engine> make) {
    assertTimeoutPreemptively(DEADLOCK_GUARD, () -> {
      try (Engine e = make.get()) {
        Var idle = e.newVar("idle"); // nothing pending: refused all the same, whatever the timing
        List<Consumer<Engine>> waits = List.of(
            x -> x.waitToRead(idle), x -> x.waitToWrite(idle), Engine::waitAll);
        List<String> whats = List.of("waitToRead on 'idle'", "waitToWrite on 'idle'", "waitAll");
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < waits.size(); i++) {
          Consumer<Engine> wait = waits.get(i);
          Runnable attempt = () -> {
            try {
              wait.accept(e);
            } catch (IllegalStateException ex) {
              refused.add(ex.getMessage());
            }
          };
          Var out = e.newVar("out" + i);
          String inner = "inner" + i;
          // a synchronous operation whose nested operation waits, then waits itself
          e.push("outer" + i, () -> {
            e.push(inner, attempt, List.of(), List.of(e.newVar("innerOut")));
            attempt.run();
          }, List.of(), List.of(out));
          e.pushAsync("async" + i, done -> {
            attempt.run();
            done.done();
          }, List.of(), List.of(e.newVar("asyncOut")), FnProperty.IO, 0);
          e.deleteVar(e.newVar("dead" + i), attempt);
        }
        e.waitAll();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < waits.size(); i++) {
          for (String op : List.of("inner" + i, "outer" + i, "async" + i, "delete dead" + i)) {
            expected.add(refusal(whats.get(i), op));
          }
        }
        assertThat(refused).containsExactlyInAnyOrderElementsOf(expected);
      }
    });
  }
}
