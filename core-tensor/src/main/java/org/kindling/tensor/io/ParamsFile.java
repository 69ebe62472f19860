package org.kindling.tensor.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kindling.tensor.DType;
import org.kindling.tensor.FormatException;
import org.kindling.tensor.NDArray;

/**
 * MXNet NDArray files: {@code .params} checkpoints and {@code mx.nd.save} lists and dicts, byte
 * for byte as formats.md §3 describes.
 *
 * <p>Reading accepts every per-array layout MXNet has written: V3 (numpy shapes), V2, V1 and
 * the pre-2017 legacy layout; every dtype (flags 0..12; non-float32 arrays hold their raw
 * bytes, see {@link NDArray#ofBytes}); dense storage, and row_sparse and csr storage, which
 * are <em>densified</em> into ordinary dense arrays (at most 1 GiB each). The device context
 * is ignored. MXNet's "none" array (ndim 0 in V2/V1/legacy, ndim -1 in V3) becomes an empty
 * float32 array of shape {@code (0,)}. A V2 record with a zero dimension is read as the
 * zero-size array its bytes describe. Unlike MXNet, which ignores them, bytes after the names
 * are an error (they mean a damaged file), and so is a name that occurs twice.
 *
 * <p>Every field is checked before it is used, and any problem is a {@link FormatException}
 * naming the file and the byte offset: an unknown magic, type flag or storage type; ndim
 * outside 0..32; a negative or oversized dimension; data, aux data or a name longer than what
 * remains; a name count that is neither 0 nor the array count; a sparse index out of range.
 * Sizes are checked against the bytes that remain before anything is allocated.
 *
 * <p>Writing produces a V2 dense record per array in the 0x112 container, with device cpu(0),
 * byte for byte as MXNet 1.9 saves. 0-d scalars and zero-size arrays, which V2 cannot express,
 * get V3 records; MXNet itself never mixes the two in one file and loads such a file only in
 * numpy mode ({@code npx.set_np()}), see docs/formats.md §3.7.
 */
public final class ParamsFile {
  /** {@code kMXAPINDArrayListMagic}, the container's first u64. */
  static final long LIST_MAGIC = 0x112;

  private ParamsFile() {}

  /**
   * The arrays of one file and, for a dict file, their names (same order).
   *
   * @param names the names, or empty for a list file
   * @param arrays the arrays in file order, owned by whoever read the file: close them, or the
   *     whole contents, when done
   */
  public record Contents(List<String> names, List<NDArray> arrays) implements AutoCloseable {
    /**
     * @throws IllegalArgumentException if names is neither empty nor as long as arrays
     */
    public Contents {
      names = List.copyOf(names);
      arrays = List.copyOf(arrays);
      if (!names.isEmpty() && names.size() != arrays.size()) {
        throw new IllegalArgumentException(
            names.size() + " names for " + arrays.size() + " arrays (need 0 or one each)");
      }
    }

    /** Closes every array (for a caller that only looked at the names or copied the values). */
    @Override
    public void close() {
      arrays.forEach(NDArray::close);
    }

    /**
     * The arrays by name, in file order (a {@link LinkedHashMap}).
     *
     * @throws IllegalStateException if this is a list file without names (and not empty), or a
     *     name occurs twice
     */
    public Map<String, NDArray> asMap() {
      if (names.isEmpty() && !arrays.isEmpty()) {
        throw new IllegalStateException(
            "this NDArray file is a list of " + arrays.size() + " arrays without names");
      }
      Map<String, NDArray> map = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        if (map.putIfAbsent(names.get(i), arrays.get(i)) != null) {
          throw new IllegalStateException("the name '" + names.get(i) + "' occurs twice");
        }
      }
      return map;
    }
  }

  // ---------------------------------------------------------------------------------------
  // reading

  /**
   * Reads a whole file.
   *
   * @throws FormatException if the file is not a valid NDArray file (naming path and offset)
   * @throws IOException if it cannot be read
   */
  public static Contents read(Path path) throws IOException {
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 8) {
      throw new FormatException(path.toString(), -1,
          "file of " + size + " bytes is larger than the 2 GiB Kindling reads at once");
    }
    return read(Files.readAllBytes(path), path.toString());
  }

  /**
   * The names in a dict file (empty for a list file), after checking the whole file; its arrays
   * are released at once.
   *
   * @throws FormatException if the file is not a valid NDArray file (naming path and offset)
   * @throws IOException if it cannot be read
   */
  public static List<String> readNames(Path path) throws IOException {
    try (Contents c = read(path)) {
      return c.names();
    }
  }

  /**
   * Parses the bytes of a file.
   *
   * @param fileName the file's name or URI, for error messages
   * @throws FormatException if the bytes are not a valid NDArray file
   */
  public static Contents read(byte[] bytes, String fileName) throws FormatException {
    ByteCursor c = new ByteCursor(bytes, fileName);
    long header = c.i64("list header");
    if (header != LIST_MAGIC) {
      throw c.error(0, String.format(
          "not an MXNet NDArray file: header 0x%X, expected 0x112", header));
    }
    c.i64("reserved");
    int at = c.position();
    long count = c.i64("array count");
    // every record takes at least 4 bytes; this also rejects counts >= 2^63
    if (count < 0 || count > c.remaining() / 4) {
      throw c.error(at, "array count " + Long.toUnsignedString(count)
          + " cannot fit in the " + c.remaining() + " bytes that remain");
    }
    List<NDArray> arrays = new ArrayList<>((int) Math.min(count, 1024));
    try {
      for (long i = 0; i < count; i++) {
        arrays.add(ArrayRecords.read(c));
      }
      List<String> names = readNames(c, count);
      if (c.remaining() > 0) {
        throw c.error(c.position(), c.remaining() + " unexpected bytes after the last "
            + (names.isEmpty() ? "array" : "name") + " (a truncated write or a corrupt count?)");
      }
      return new Contents(names, arrays);
    } catch (FormatException | RuntimeException e) {
      arrays.forEach(NDArray::close); // nothing half-read stays allocated
      throw e;
    }
  }

  private static List<String> readNames(ByteCursor c, long count) throws FormatException {
    int at = c.position();
    long nameCount = c.i64("name count");
    if (nameCount != 0 && nameCount != count) {
      throw c.error(at, "name count " + Long.toUnsignedString(nameCount) + " but " + count
          + " arrays (must be 0 or equal)");
    }
    List<String> names = new ArrayList<>((int) Math.min(nameCount, 1024));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (long i = 0; i < nameCount; i++) {
      at = c.position();
      long len = c.i64("name length");
      if (len < 0 || len > c.remaining()) {
        throw c.error(at, "name " + i + " claims " + Long.toUnsignedString(len)
            + " bytes but only " + c.remaining() + " remain");
      }
      String name = new String(c.bytes(), c.position(), (int) len, StandardCharsets.UTF_8);
      if (!seen.add(name)) {
        throw c.error(at, "the name '" + name + "' occurs twice; each array needs its own name");
      }
      names.add(name);
      c.take((int) len, "name");
    }
    return names;
  }

  /**
   * Parses the single-array raw bytes of {@code MXNDArraySaveRawBytes} (formats.md §3.6: one
   * record, no container), as the Scala {@code NDArray.serialize()} produces.
   *
   * @param name a name for the bytes in error messages
   * @throws FormatException if the bytes are not a valid record
   */
  public static NDArray fromRawBytes(byte[] bytes, String name) throws FormatException {
    return ArrayRecords.read(new ByteCursor(bytes, name));
  }

  // ---------------------------------------------------------------------------------------
  // writing

  /**
   * Writes a list file ({@code names} empty) or a dict file to {@code out}, after waiting for
   * pending writes to each array. Flushes but does not close {@code out}.
   *
   * @throws IllegalArgumentException if names is neither empty nor one per array, or an array
   *     has a type MXNet 1.9.1 cannot load (nothing is written then)
   */
  public static void write(OutputStream out, List<String> names, List<NDArray> arrays)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Contents checked = new Contents(names, arrays); // validates the pairing, rejects nulls
    for (int i = 0; i < checked.arrays().size(); i++) {
      requireMxnetLoadable(checked, i);
    }
    DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
    d.writeLong(Long.reverseBytes(LIST_MAGIC));
    d.writeLong(0); // reserved
    d.writeLong(Long.reverseBytes(checked.arrays().size()));
    for (NDArray a : checked.arrays()) {
      ArrayRecords.write(d, a);
    }
    d.writeLong(Long.reverseBytes(checked.names().size()));
    for (String n : checked.names()) {
      byte[] utf8 = n.getBytes(StandardCharsets.UTF_8);
      d.writeLong(Long.reverseBytes(utf8.length));
      d.write(utf8);
    }
    d.flush();
  }

  /**
   * MXNet 1.9.1 knows type flags 8..11 (int16, uint16, uint32, uint64) by name only: it refuses
   * to create or load such arrays ("Unknown type enum 8"), checked against the real library. A
   * file Kindling writes must load in MXNet, so those types are refused here; reading them is
   * still supported.
   */
  private static void requireMxnetLoadable(Contents c, int i) {
    DType t = c.arrays().get(i).dtype();
    if (t == DType.INT16 || t == DType.UINT16 || t == DType.UINT32 || t == DType.UINT64) {
      String which = c.names().isEmpty() ? "array " + i : "array '" + c.names().get(i) + "'";
      throw new IllegalArgumentException(
          which + " is " + t.numpyName() + ", which MXNet 1.9.1 cannot load; convert it to"
              + " int32, int64, float32 or another type MXNet supports before saving");
    }
  }

  /**
   * Writes the file so that {@code target} is either its old self or complete, never partial
   * ({@link AtomicFiles#write}).
   *
   * @throws IOException if writing, syncing or the atomic rename fails
   */
  public static void writeAtomically(Path target, List<String> names, List<NDArray> arrays)
      throws IOException {
    AtomicFiles.write(target, out -> write(out, names, arrays));
  }

  /**
   * The single-array raw bytes of {@code MXNDArraySaveRawBytes} (one V2 record, or V3 for
   * scalars and zero-size arrays), after waiting for pending writes to {@code a}.
   */
  public static byte[] toRawBytes(NDArray a) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(bytes)) {
      ArrayRecords.write(d, a);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e); // cannot happen
    }
    return bytes.toByteArray();
  }
}
