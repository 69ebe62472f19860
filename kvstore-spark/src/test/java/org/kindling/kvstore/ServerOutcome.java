package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a run of workers against split parameter servers (shard threads or key servers) ends
 * with: what each rank pulled last, the keys' values, and the one optimizer states file.
 */
record ServerOutcome(List<Map<String, float[]>> pulled, Map<String, float[]> values,
    byte[] states) {

  /**
   * Asserts that this run gave {@code whole}'s bits for every one of {@code keys}: each rank's
   * pulls, the values, and the states file byte for byte.
   */
  void assertSameBitsAs(ServerOutcome whole, Collection<String> keys) {
    for (int r = 0; r < whole.pulled().size(); r++) {
      for (String key : keys) {
        assertThat(pulled.get(r).get(key)).as("rank %d pulled %s", r, key)
            .containsExactly(whole.pulled().get(r).get(key));
      }
    }
    for (String key : keys) {
      assertThat(values.get(key)).as("value of %s", key).containsExactly(whole.values().get(key));
    }
    // the split states joined are the very file the one server's optimizer writes
    assertThat(states).as("optimizer states").isEqualTo(whole.states());
  }

  /** {@code n} standard normal floats of {@code random}. */
  static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
