/**
 * Image records ({@code formats.md} §2): the 24-byte {@code IfQQ} header with MXNet's {@code
 * pack}/{@code unpack} semantics ({@link org.kindling.io.image.ImageRecordHeader}, {@link
 * org.kindling.io.image.ImageRecord}), and {@link org.kindling.io.image.RawImageRecordIter}, which
 * turns records with raw uint8 pixels into float32 {@code DataBatch}es.
 */
package org.kindling.io.image;
