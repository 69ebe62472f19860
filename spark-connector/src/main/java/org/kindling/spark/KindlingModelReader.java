package org.kindling.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads a {@link KindlingModel} directory written by {@link KindlingModelWriter}: checks the
 * class in the metadata, restores the uid and every explicitly set param, and reads the symbol
 * and parameters.
 */
final class KindlingModelReader extends MLReader<KindlingModel> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public KindlingModel load(String path) {
    Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
    Path metadataFile = new Path(path, "metadata/part-00000");
    try {
      JsonNode meta;
      try {
        meta = JSON.readTree(new String(HadoopFiles.readAll(metadataFile, conf),
            StandardCharsets.UTF_8));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IOException(metadataFile + ": malformed JSON: " + e.getOriginalMessage(), e);
      }
      String cls = meta.path("class").asText("");
      if (!cls.equals(KindlingModel.class.getName())) {
        throw new IOException(metadataFile + ": holds a " + (cls.isEmpty() ? "model of unknown class" : cls)
            + ", not a " + KindlingModel.class.getName());
      }
      String uid = meta.path("uid").asText("");
      if (uid.isEmpty()) {
        throw new IOException(metadataFile + ": no uid");
      }
      String symbol = new String(HadoopFiles.readAll(new Path(path, KindlingModel.SYMBOL_FILE),
          conf), StandardCharsets.UTF_8);
      byte[] params = HadoopFiles.readAll(new Path(path, KindlingModel.PARAMS_FILE), conf);
      ModelData data = new ModelData(symbol, params,
          new Path(path, KindlingModel.SYMBOL_FILE).toString(),
          new Path(path, KindlingModel.PARAMS_FILE).toString());
      NetworkRunner.validate(data, null);
      KindlingModel model = new KindlingModel(uid, data);
      for (Map.Entry<String, JsonNode> e : meta.path("paramMap").properties()) {
        if (!model.hasParam(e.getKey())) {
          throw new IOException(metadataFile + ": unknown param '" + e.getKey() + "'");
        }
        model.setFromJson(e.getKey(), e.getValue().toString());
      }
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load KindlingModel from " + path + ": "
          + e.getMessage(), e);
    }
  }
}
