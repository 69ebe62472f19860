package org.kindling.io.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.kindling.tensor.FormatException;
import org.kindling.testing.SeededProperty;

class RetryPolicyTest {

  /** k transient failures then success: k sleeps, each in [d/2, d] with d = min(max, b*2^i). */
  @Test
  void retriesTransientFailuresWithExponentialBackoff() {
    SeededProperty.check(50, r -> new int[] {r.nextInt(1, 8), r.nextInt(0, 8)}, c -> {
      int attempts = c[0];
      int failures = Math.min(c[1], attempts - 1);
      List<Long> slept = new ArrayList<>();
      RetryPolicy p = new RetryPolicy(attempts, 100, 700, slept::add);
      AtomicInteger calls = new AtomicInteger();
      String got = p.call("reading x@0", () -> {
        if (calls.incrementAndGet() <= failures) {
          throw new SocketException("Connection reset");
        }
        return "ok";
      });
      assertThat(got).isEqualTo("ok");
      assertThat(calls.get()).isEqualTo(failures + 1);
      assertThat(slept).hasSize(failures);
      for (int i = 0; i < slept.size(); i++) {
        long d = Math.min(700, 100L << i);
        assertThat(slept.get(i)).isBetween(d / 2, d);
      }
    });
  }

  @Test
  void givesUpAfterTheLastAttemptNamingTheOperation() {
    List<Long> slept = new ArrayList<>();
    RetryPolicy p = new RetryPolicy(3, 10, 1000, slept::add);
    IOException last = new IOException("HTTP 503 SlowDown");
    assertThatThrownBy(() -> p.call("GET s3://b/k bytes 0-99", () -> {
      throw last;
    })).hasMessageContaining("GET s3://b/k bytes 0-99 failed 3 times, last: HTTP 503 SlowDown")
        .hasMessageContaining(RetryPolicy.ATTEMPTS_KEY).hasCause(last);
    assertThat(slept).hasSize(2);
  }

  @Test
  void permanentFailuresAreNotRetried() throws Exception {
    for (IOException e : List.of(new FileNotFoundException("x"), new EOFException("x"),
        new FormatException("f", 8, "bad magic"), new PermanentIOException("400", null),
        new java.nio.file.AccessDeniedException("x"))) {
      AtomicInteger calls = new AtomicInteger();
      RetryPolicy p = new RetryPolicy(5, 1, 1, ms -> { });
      assertThatThrownBy(() -> p.call("op", () -> {
        calls.incrementAndGet();
        throw e;
      })).isSameAs(e);
      assertThat(calls.get()).as(e.getClass().getSimpleName()).isEqualTo(1);
    }
    assertThat(RetryPolicy.isTransient(new SocketTimeoutException("read timed out"))).isTrue();
  }

  @Test
  void badSettingsNameTheKeys() {
    Configuration conf = new Configuration(false);
    conf.setInt(RetryPolicy.ATTEMPTS_KEY, 0);
    assertThatThrownBy(() -> RetryPolicy.fromConf(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(RetryPolicy.ATTEMPTS_KEY);
  }
}
