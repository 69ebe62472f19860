/**
 * Packers that turn source data into RecordIO: {@link org.kindling.io.pack.IdxImagePacker} for
 * IDX image/label files (MNIST, Fashion-MNIST) and {@link org.kindling.io.pack.Im2RecPacker} for an
 * im2rec {@code .lst} file plus a root directory. Both write {@code <out>.rec} and {@code
 * <out>.idx} through the output's {@link org.kindling.io.source.ByteStore} (local files, HDFS,
 * s3a, native {@code s3://}), atomically: a temporary file renamed into place on HDFS and local
 * files, an upload completed at the end on S3, only when everything was written. {@link
 * org.kindling.io.pack.ImageListMaker} makes the {@code .lst} files from an image folder ({@code
 * im2rec --list}), written the same way. Their inputs (lists, images, IDX files, the folder
 * listed) are read through the same stores.
 */
package org.kindling.io.pack;
