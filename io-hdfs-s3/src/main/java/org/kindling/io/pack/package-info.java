/**
 * Packers that turn source data into RecordIO: {@link org.kindling.io.pack.IdxImagePacker} for
 * IDX image/label files (MNIST, Fashion-MNIST) and {@link org.kindling.io.pack.Im2RecPacker} for an
 * im2rec {@code .lst} file plus a root directory. Both write {@code <out>.rec} and {@code
 * <out>.idx} through Hadoop {@code FileSystem}, atomically: temporary files renamed into place
 * only when everything was written. {@link org.kindling.io.pack.ImageListMaker} makes the {@code
 * .lst} files from an image folder ({@code im2rec --list}).
 */
package org.kindling.io.pack;
