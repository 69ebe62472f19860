package org.kindling.io.image;

/**
 * What an {@link ImageRecordIter} does with the last, short batch of an epoch (MXNet's {@code
 * last_batch_handle} of {@code NDArrayIter}; {@link #PAD} is {@code ImageRecordIter}'s {@code
 * round_batch=True}).
 */
public enum LastBatch {
  /**
   * Complete it with records from the start of the part (read again, wrapping as often as needed)
   * and report the number of filler rows as {@link org.kindling.tensor.data.DataBatch#pad()}.
   * The next epoch starts at the part's first record again (MXNet's iterator instead goes on
   * after the records it borrowed, so its epochs after the first start elsewhere).
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
