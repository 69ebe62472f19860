package org.kindling.symbol.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A history as JSON:
 *
 * <pre>{@code
 * {"columns": ["train_accuracy", "val_accuracy"],
 *  "epochs": [{"epoch": 1, "train_accuracy": 0.81, "val_accuracy": 0.79, "seconds": 12.5}, ...]}
 * }</pre>
 *
 * <p>A column an epoch did not report is absent from its object; NaN and infinite values, which
 * JSON cannot hold, are {@code null}.
 */
final class HistoryJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HistoryJson() {}

  /** The JSON text, pretty-printed, UTF-8. */
  static byte[] format(List<EpochRecord> epochs, List<String> columns) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree(epochs, columns));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and strings is always writable", e);
    }
  }

  private static ObjectNode tree(List<EpochRecord> epochs, List<String> columns) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode names = root.putArray("columns");
    columns.forEach(names::add);
    ArrayNode rows = root.putArray("epochs");
    for (EpochRecord e : epochs) {
      ObjectNode row = rows.addObject();
      row.put("epoch", e.epoch());
      e.values().forEach((c, v) -> number(row, c, v));
      number(row, "seconds", e.seconds());
    }
    return root;
  }

  private static void number(ObjectNode row, String key, double v) {
    if (Double.isFinite(v)) {
      row.put(key, v);
    } else {
      row.putNull(key);
    }
  }
}
