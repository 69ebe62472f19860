/**
 * MXNet RecordIO ({@code formats.md} §1): {@link org.kindling.io.recordio.RecordIOWriter}
 * splits records on aligned magics and pads parts to 4 bytes; {@link
 * org.kindling.io.recordio.RecordIOReader} reads them back sequentially or from a seek offset,
 * checking every header against the file length; {@link org.kindling.io.recordio.RecordIndex}
 * reads and writes {@code .idx} files, and {@link org.kindling.io.recordio.IndexedRecordIOWriter}
 * / {@link org.kindling.io.recordio.IndexedRecordIOReader} pair a {@code .rec} with its index as
 * MXNet's {@code MXIndexedRecordIO} does.
 */
package org.kindling.io.recordio;
