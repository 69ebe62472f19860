package org.kindling.tensor.data;

import java.io.IOException;
import java.util.List;

/**
 * A source of mini-batches for training and inference, as MXNet's {@code DataIter}.
 *
 * <p><b>Iteration.</b> {@link #next()} returns the next batch, or {@code null} once the epoch is
 * over (where MXNet raises {@code StopIteration}); it keeps returning {@code null} until {@link
 * #reset()} starts the next epoch. An epoch loop reads:
 *
 * <pre>{@code
 * it.reset();
 * for (DataBatch b = it.next(); b != null; b = it.next()) {
 *   try (DataBatch batch = b) {
 *     module.forwardBackward(batch);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Batches.</b> Every batch has {@link #batchSize()} rows; its data and label arrays match
 * {@link #provideData()} and {@link #provideLabel()} in order, shape and type. The last batch of
 * an epoch may be completed with filler rows, counted by {@link DataBatch#pad()}. A batch belongs
 * to the caller, who closes it when done (its arrays then return to the storage pool); the
 * iterator never reuses a batch it has handed out.
 *
 * <p>Implementations are not thread-safe unless they say so.
 */
public interface DataIter extends AutoCloseable {
  /** Rows in every batch, padding included. */
  int batchSize();

  /** One descriptor per data array of a batch ({@link DataDesc#DEFAULT_DATA_NAME} if one). */
  List<DataDesc> provideData();

  /**
   * One descriptor per label array of a batch ({@link DataDesc#DEFAULT_LABEL_NAME} if one);
   * empty if the iterator has no labels.
   */
  List<DataDesc> provideLabel();

  /**
   * The next batch, owned by the caller, or {@code null} at the end of the epoch.
   *
   * @throws IOException if the underlying data cannot be read (a {@link
   *     org.kindling.tensor.FormatException} names the file and offset of bad input)
   */
  DataBatch next() throws IOException;

  /** Starts the next epoch; batches already handed out stay valid. */
  void reset() throws IOException;

  /** Releases what the iterator holds (files, readers); batches handed out stay valid. */
  @Override
  void close() throws IOException;
}
