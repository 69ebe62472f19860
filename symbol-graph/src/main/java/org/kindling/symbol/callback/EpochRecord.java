package org.kindling.symbol.callback;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a {@link TrainingHistory}.
 *
 * @param epoch epochs completed, from 1 (the number of the epoch's checkpoint)
 * @param values metric values by column ({@code train_NAME}, {@code val_NAME}), in metric order
 * @param seconds the epoch's wall time
 */
public record EpochRecord(int epoch, Map<String, Double> values, double seconds) {
  /** Copies the values, keeping their order. */
  public EpochRecord {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
