package org.kindling.symbol.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** The epochs of a history file written by {@link #format}; {@code null} values read as NaN. */
  static List<EpochRecord> parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not a training history (invalid JSON: "
          + e.getMessage() + ")", e);
    }
    JsonNode rows = root == null ? null : root.get("epochs");
    if (rows == null || !rows.isArray()) {
      throw new IllegalArgumentException(source + ": not a training history (no \"epochs\" list)");
    }
    List<EpochRecord> out = new ArrayList<>();
    for (JsonNode row : rows) {
      JsonNode epoch = row.get("epoch");
      if (epoch == null || !epoch.canConvertToInt() || epoch.asInt() < 1) {
        throw new IllegalArgumentException(source + ": epoch entry " + (out.size() + 1)
            + " has no epoch number >= 1");
      }
      Map<String, Double> values = new LinkedHashMap<>();
      double seconds = Double.NaN;
      for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode v = f.getValue();
        if (!v.isNumber() && !v.isNull()) {
          throw new IllegalArgumentException(source + ": epoch " + epoch.asInt() + ": '"
              + f.getKey() + "' is not a number");
        }
        double d = v.isNull() ? Double.NaN : v.doubleValue();
        switch (f.getKey()) {
          case "epoch" -> { }
          case "seconds" -> seconds = d;
          default -> values.put(f.getKey(), d);
        }
      }
      out.add(new EpochRecord(epoch.asInt(), values, seconds));
    }
    return out;
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
