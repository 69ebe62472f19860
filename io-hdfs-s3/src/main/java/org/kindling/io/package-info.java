/**
 * Kindling's data input: MXNet RecordIO files ({@code .rec}, {@code .idx}), image records,
 * byte-range partitioning of RecordIO data over any Hadoop {@code FileSystem} (file, hdfs, s3a) or
 * S3 ({@code s3://}, native),
 * prefetching, batch iteration and the packers behind {@code kindling im2rec}.
 *
 * <p>Subpackages:
 *
 * <ul>
 *   <li>{@link org.kindling.io.recordio} — the RecordIO writer and reader and the {@code .idx}
 *       index;
 *   <li>{@link org.kindling.io.source} — byte stores (Hadoop {@code FileSystem}, native S3),
 *       ranged reads with retries and read-ahead, and atomic commit per store;
 *   <li>{@link org.kindling.io.split} — partitioning into N parts, part readers, prefetching, and
 *       the {@code recordio dump} logic;
 *   <li>{@link org.kindling.io.image} — the image record header and the raw-image batch iterator;
 *   <li>{@link org.kindling.io.pack} — the IDX and {@code .lst} packers.
 * </ul>
 *
 * <p>This package holds the types shared between them: {@link org.kindling.io.RecordSource} and
 * {@link org.kindling.io.LocatedRecord}.
 */
package org.kindling.io;
