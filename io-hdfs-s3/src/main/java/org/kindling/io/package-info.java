/**
 * Kindling's data input: MXNet RecordIO files ({@code .rec}, {@code .idx}), image records,
 * byte-range partitioning of RecordIO data over any Hadoop {@code FileSystem} (file, hdfs, s3a),
 * prefetching, batch iteration and the packers behind {@code kindling im2rec}.
 *
 * <p>Subpackages:
 *
 * <ul>
 *   <li>{@link org.kindling.io.recordio} — the RecordIO writer and reader and the {@code .idx}
 *       index;
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
