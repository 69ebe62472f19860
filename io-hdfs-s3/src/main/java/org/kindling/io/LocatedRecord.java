package org.kindling.io;

import java.util.Objects;

/**
 * One logical RecordIO record together with where it was found.
 *
 * @param payload the logical record bytes (parts joined, magics re-inserted); owned by the caller
 * @param file the file the record was read from (a path or URI string)
 * @param fileOffset byte offset, inside {@code file}, of the record's first physical part
 * @param globalOffset byte offset of the first part in the global byte space of all the files of a
 *     split (equal to {@code fileOffset} for a single file)
 */
public record LocatedRecord(byte[] payload, String file, long fileOffset, long globalOffset) {
  public LocatedRecord {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(file, "file");
  }

  /** This record as a {@link RecordView} of its payload (no copy). */
  public RecordView view() {
    return new RecordView(java.nio.ByteBuffer.wrap(payload), file, fileOffset, globalOffset);
  }

  /** A short human-readable location, {@code file@offset}, for error messages. */
  public String where() {
    return file + "@" + fileOffset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocatedRecord r
        && fileOffset == r.fileOffset
        && globalOffset == r.globalOffset
        && file.equals(r.file)
        && java.util.Arrays.equals(payload, r.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, fileOffset, globalOffset, java.util.Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "LocatedRecord[" + where() + ", global " + globalOffset + ", " + payload.length
        + " bytes]";
  }
}
