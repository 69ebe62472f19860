package org.kindling.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.util.MLWriter;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Saves a {@link KindlingModel} as a directory: {@code metadata/part-00000} (one line of JSON in
 * the layout of Spark's {@code DefaultParamsWriter}: class, timestamp, sparkVersion, uid,
 * paramMap, defaultParamMap), {@code model-symbol.json} and {@code model-0000.params}. Spark's
 * {@link MLWriter#save} refuses an existing path unless {@code overwrite()} was called.
 */
final class KindlingModelWriter extends MLWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KindlingModel model;

  KindlingModelWriter(KindlingModel model) {
    this.model = model;
  }

  @Override
  public void saveImpl(String path) {
    if (model.modelData() == null) {
      throw new IllegalStateException("cannot save KindlingModel " + model.uid()
          + ": it has no network");
    }
    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
    try {
      HadoopFiles.writeAtomically(new Path(path, "metadata/part-00000"),
          (metadataJson(model, sc().version()) + "\n").getBytes(StandardCharsets.UTF_8), conf);
      HadoopFiles.writeAtomically(new Path(path, KindlingModel.SYMBOL_FILE),
          model.modelData().symbolJson().getBytes(StandardCharsets.UTF_8), conf);
      HadoopFiles.writeAtomically(new Path(path, KindlingModel.PARAMS_FILE),
          model.modelData().paramsUnsafe(), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save KindlingModel to " + path + ": "
          + e.getMessage(), e);
    }
  }

  /** The metadata line: Spark's {@code DefaultParamsWriter} layout. */
  static String metadataJson(KindlingModel model, String sparkVersion) {
    ObjectNode root = JSON.createObjectNode();
    root.put("class", KindlingModel.class.getName());
    root.put("timestamp", System.currentTimeMillis());
    root.put("sparkVersion", sparkVersion);
    root.put("uid", model.uid());
    root.set("paramMap", paramsJson(CollectionConverters.asJava(model.extractParamMap()
        .toSeq()), model, false));
    root.set("defaultParamMap", paramsJson(CollectionConverters.asJava(model.extractParamMap()
        .toSeq()), model, true));
    return root.toString();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ObjectNode paramsJson(Iterable<ParamPair<?>> pairs, KindlingModel model,
      boolean defaults) {
    ObjectNode node = JSON.createObjectNode();
    for (ParamPair<?> pair : pairs) {
      org.apache.spark.ml.param.Param p = pair.param();
      boolean explicit = model.isSet(p);
      Object value;
      if (defaults) {
        if (!model.hasDefault(p)) {
          continue;
        }
        value = model.getDefault(p).get();
      } else {
        if (!explicit) {
          continue;
        }
        value = pair.value();
      }
      try {
        node.set(p.name(), JSON.readTree(p.jsonEncode(value)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode param " + p.name(), e);
      }
    }
    return node;
  }
}
