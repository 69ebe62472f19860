package org.kindling.io.image;

/**
 * What an {@link ImageRecordIter} does with the last, short batch of an epoch (MXNet's {@code
 * round_batch} of {@code ImageRecordIter}, and {@code last_batch_handle} of {@code NDArrayIter}).
 */
public enum LastBatch {
  /**
   * MXNet's {@code ImageRecordIter} with {@code round_batch=True} (its default), exactly (decision
   * 0073): the short batch is completed with the first records of the <em>next</em> pass over the
   * source (the source is reset, so a shuffling source draws the next epoch's order), {@link
   * org.kindling.tensor.data.DataBatch#pad()} counts those borrowed records, and that batch ends
   * the epoch. The {@link ImageRecordIter#reset()} that follows does not rewind: the next epoch
   * goes on after the borrowed records. An epoch whose pass ends on a full batch ends there, and
   * the next {@code reset()} starts a new pass. So the epochs are the passes laid end to end, cut
   * into batches of {@code batch_size}, with a cut at every pass end that falls between batches,
   * and the number of batches can change from epoch to epoch. A pass must hold at least the
   * borrowed records (MXNet: "number of input images must be bigger than the batch size").
   */
  ROUND_BATCH,
  /**
   * Kindling's padding: complete it with records from the start of the same pass (read again,
   * wrapping as often as needed) and report the number of filler rows as {@link
   * org.kindling.tensor.data.DataBatch#pad()}. Every {@link ImageRecordIter#reset()} starts the
   * next epoch at the part's first record, so every epoch has {@code ceil(records / batch_size)}
   * batches and a resumed job sees the batches an uninterrupted one would; the training path
   * ({@code FixedStepsIter}) and scoring use it. Unlike {@link #ROUND_BATCH}, the epochs after
   * the first differ from MXNet's when the batch size does not divide the part.
   */
  PAD,
  /** Drop it: every batch of the epoch is full. */
  DISCARD,
  /**
   * Keep its records and put them in front of the next epoch's first batch: every batch is full
   * and no record is repeated, and the epoch after a roll-over may hold one more batch.
   */
  ROLL_OVER
}
