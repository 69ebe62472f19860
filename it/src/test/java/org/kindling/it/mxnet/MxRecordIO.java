package org.kindling.it.mxnet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's own RecordIO writer and reader ({@code dmlc::RecordIOWriter}/{@code Reader} behind
 * {@code MXRecordIOWriter*}/{@code MXRecordIOReader*}, which Python's {@code mx.recordio} uses).
 */
final class MxRecordIO {
  private MxRecordIO() {}

  /**
   * Writes {@code records} to a new file with MXNet's writer.
   *
   * @return for each record, the writer's {@code Tell()} before writing it (the offset of its
   *     first part, which {@code .idx} files store)
   */
  static long[] write(Path file, List<byte[]> records) {
    Mxnet mx = Mxnet.get();
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXRecordIOWriterCreate(file.toString(), ref), "MXRecordIOWriterCreate");
    Pointer writer = ref.getValue();
    long[] offsets = new long[records.size()];
    try {
      LongByReference pos = new LongByReference();
      for (int i = 0; i < records.size(); i++) {
        byte[] r = records.get(i);
        mx.check(mx.api().MXRecordIOWriterTell(writer, pos), "MXRecordIOWriterTell");
        offsets[i] = pos.getValue();
        // at least one byte, so that an empty record still gets a valid pointer
        Memory buf = new Memory(Math.max(1, r.length));
        buf.write(0, r, 0, r.length);
        mx.check(mx.api().MXRecordIOWriterWriteRecord(writer, buf, r.length),
            "MXRecordIOWriterWriteRecord(record " + i + ", " + r.length + " bytes)");
      }
    } finally {
      // frees the writer and closes (flushes) its stream
      mx.check(mx.api().MXRecordIOWriterFree(writer), "MXRecordIOWriterFree");
    }
    return offsets;
  }

  /** Every record of {@code file}, read with MXNet's sequential reader. */
  static List<byte[]> readAll(Path file) {
    Mxnet mx = Mxnet.get();
    Pointer reader = open(mx, file);
    try {
      List<byte[]> out = new ArrayList<>();
      for (byte[] r = next(mx, reader); r != null; r = next(mx, reader)) {
        out.add(r);
      }
      return out;
    } finally {
      mx.check(mx.api().MXRecordIOReaderFree(reader), "MXRecordIOReaderFree");
    }
  }

  /** The record at each offset, each read after {@code MXRecordIOReaderSeek} to it. */
  static List<byte[]> readAt(Path file, long[] offsets) {
    Mxnet mx = Mxnet.get();
    Pointer reader = open(mx, file);
    try {
      List<byte[]> out = new ArrayList<>();
      for (long off : offsets) {
        mx.check(mx.api().MXRecordIOReaderSeek(reader, off), "MXRecordIOReaderSeek(" + off + ")");
        out.add(next(mx, reader));
      }
      return out;
    } finally {
      mx.check(mx.api().MXRecordIOReaderFree(reader), "MXRecordIOReaderFree");
    }
  }

  private static Pointer open(Mxnet mx, Path file) {
    PointerByReference ref = new PointerByReference();
    mx.check(mx.api().MXRecordIOReaderCreate(file.toString(), ref), "MXRecordIOReaderCreate");
    return ref.getValue();
  }

  /** The next record, or null at the end of the file. */
  private static byte[] next(Mxnet mx, Pointer reader) {
    PointerByReference buf = new PointerByReference();
    LongByReference size = new LongByReference();
    mx.check(mx.api().MXRecordIOReaderReadRecord(reader, buf, size),
        "MXRecordIOReaderReadRecord");
    Pointer p = buf.getValue();
    return p == null ? null : p.getByteArray(0, Math.toIntExact(size.getValue()));
  }
}
