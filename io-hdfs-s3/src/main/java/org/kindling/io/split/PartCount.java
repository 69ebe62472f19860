package org.kindling.io.split;

/**
 * The number of records in one part of a {@link RecordIOSplit} ({@link
 * RecordIOSplit#countRecords}).
 *
 * @param records the records a {@link RecordIOPartReader} over the part returns
 * @param fromIndex true if the count came from the {@code .idx} files, false if from a
 *     header-only scan of the part
 */
public record PartCount(long records, boolean fromIndex) {}
