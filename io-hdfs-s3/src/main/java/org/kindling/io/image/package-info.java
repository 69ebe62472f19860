/**
 * Image records ({@code formats.md} §2): the 24-byte {@code IfQQ} header with MXNet's {@code
 * pack}/{@code unpack} semantics ({@link org.kindling.io.image.ImageRecordHeader}, {@link
 * org.kindling.io.image.ImageRecord}); {@link org.kindling.io.image.RawImageRecordIter}, which
 * turns records with raw uint8 pixels into float32 {@code DataBatch}es on the caller's thread; and
 * {@link org.kindling.io.image.ImageRecordIter}, MXNet's {@code ImageRecordIter}: PNG/JPEG
 * decoding with OpenCV and augmentation ({@link org.kindling.io.image.ImageAugParams}) on a
 * thread pool, over a byte-range part or an {@link org.kindling.io.image.IndexedPartSource}.
 * {@link org.kindling.io.image.ImageCodec} and {@link org.kindling.io.image.ImageTranscoder}
 * encode and re-encode images as {@code im2rec} does.
 */
package org.kindling.io.image;
