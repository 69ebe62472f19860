/**
 * Where RecordIO data and checkpoints live: {@link org.kindling.io.source.ByteStore} (list, stat,
 * ranged reads, atomic writes) over Hadoop {@code FileSystem} ({@link
 * org.kindling.io.source.HadoopByteStore}) or the AWS SDK v2 for {@code s3://} ({@link
 * org.kindling.io.source.S3ByteStore}), chosen by {@link org.kindling.io.source.ByteStores}; the
 * read decorators {@link org.kindling.io.source.RetryingByteSource} and {@link
 * org.kindling.io.source.PrefetchingInputStream}; and {@link org.kindling.io.source.AtomicOutput},
 * the one atomic commit per store (decision 0021).
 */
package org.kindling.io.source;
