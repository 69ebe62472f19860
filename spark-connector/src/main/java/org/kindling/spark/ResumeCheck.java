package org.kindling.spark;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.kindling.symbol.Symbol;
import org.kindling.symbol.module.CheckpointParams;
import org.kindling.symbol.optimizer.BaseOptimizer;
import org.kindling.tensor.Shape;
import org.kindling.tensor.io.ParamsFile;

/**
 * Checks on the driver, before any task starts, that the checkpoint a job resumes from fits it:
 * the {@code .params} holds every parameter and auxiliary state of the network with the shapes
 * the input shape gives, and the {@code .states} were saved by the same kind of optimizer with
 * the same states per parameter.
 */
final class ResumeCheck {
  private ResumeCheck() {}

  /**
   * @return the optimizer states image to load, or null if the checkpoint has none
   * @throws IllegalArgumentException naming the file and the first problem
   * @throws IOException if a file cannot be read
   */
  static byte[] check(TrainConfig config, Symbol symbol, CheckpointDirectory.Resume resume,
      Configuration conf) throws IOException {
    String params = resume.paramsFile();
    try (CheckpointParams p = CheckpointParams.split(
        ParamsFile.read(HadoopFiles.readAll(new Path(params), conf), params), symbol, params)) {
      p.check(symbol, inputShapes(config, symbol));
    }
    if (resume.statesFile() == null) {
      return null;
    }
    byte[] states = HadoopFiles.readAll(new Path(resume.statesFile()), conf);
    BaseOptimizer probe = config.optimizer().create();
    try {
      probe.loadStates(states);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(resume.statesFile() + ": cannot continue with --optimizer "
          + config.optimizer().name() + ": " + e.getMessage(), e);
    } finally {
      probe.loadStates(config.optimizer().create().saveStates()); // releases the loaded arrays
    }
    return states;
  }

  /** The data and label shapes of one batch. */
  static Map<String, Shape> inputShapes(TrainConfig config, Symbol symbol) {
    int[] dims = config.inputShape();
    int[] batch = new int[dims.length + 1];
    batch[0] = config.batchSize();
    System.arraycopy(dims, 0, batch, 1, dims.length);
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put(Networks.DATA, Shape.of(batch));
    if (symbol.listArguments().contains(Networks.LABEL)) {
      shapes.put(Networks.LABEL, Shape.of(config.batchSize()));
    }
    return shapes;
  }
}
