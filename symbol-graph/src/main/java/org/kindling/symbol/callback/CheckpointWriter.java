package org.kindling.symbol.callback;

import java.io.IOException;
import java.util.Map;
import org.kindling.symbol.Symbol;
import org.kindling.tensor.NDArray;

/**
 * Saves one checkpoint, as MXNet's {@code save_checkpoint(prefix, epoch, symbol, arg_params,
 * aux_params)}; supplied by the caller of {@link PeriodicCheckpoint}, e.g. {@code (epoch, s, a, x)
 * -> module.saveCheckpoint(prefix, epoch)}.
 */
@FunctionalInterface
public interface CheckpointWriter {
  /**
   * Writes the checkpoint.
   *
   * @param epoch the checkpoint's number: epochs completed, from 1 ({@code PREFIX-%04d.params})
   * @param symbol the network
   * @param argParams the arguments by name, valid only during the call
   * @param auxParams the auxiliary states by name, valid only during the call
   */
  void write(int epoch, Symbol symbol, Map<String, NDArray> argParams,
      Map<String, NDArray> auxParams) throws IOException;
}
