package org.kindling.io;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One logical RecordIO record as a view of the bytes it was read from, with where it was found:
 * what a part reader hands out without copying ({@code RecordIOPartReader.nextView()}).
 *
 * @param payload the record's bytes from position 0 to the limit; borrowed: valid until the next
 *     call on the reader that returned it, and not to be modified
 * @param file the file the record was read from (a path or URI string)
 * @param fileOffset byte offset, inside {@code file}, of the record's first physical part
 * @param globalOffset byte offset of the first part in the global byte space of all the files of a
 *     split
 */
public record RecordView(ByteBuffer payload, String file, long fileOffset, long globalOffset) {
  public RecordView {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(file, "file");
  }

  /** The record copied into its own {@link LocatedRecord}, which outlives the view. */
  public LocatedRecord copy() {
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    return new LocatedRecord(bytes, file, fileOffset, globalOffset);
  }
}
