/**
 * Partitioning RecordIO data into N parts exactly as dmlc's {@code InputSplit} of type {@code
 * "recordio"} ({@code formats.md} §1.4): files laid end to end in one global byte space, byte
 * ranges of {@code round_up(ceil(S/N), 4)}, boundaries moved forward to the next record head.
 * {@link org.kindling.io.split.RecordIOSplit} resolves URIs through the byte stores of {@link
 * org.kindling.io.source} (Hadoop {@code FileSystem}, native S3) and
 * computes the ranges, {@link org.kindling.io.split.RecordIOPartReader} reads one part, {@link
 * org.kindling.io.split.PrefetchingRecordSource} reads ahead on a background thread, and {@link
 * org.kindling.io.split.RecordIODump} prints a part for {@code kindling recordio dump}.
 */
package org.kindling.io.split;
