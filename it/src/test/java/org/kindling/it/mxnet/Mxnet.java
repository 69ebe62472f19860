package org.kindling.it.mxnet;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The real MXNet 1.9.1, loaded once per JVM: {@link #get()} extracts {@code libmxnet.so} and its
 * bundled libraries into {@code target/mxnet-native} (system property {@code
 * kindling.mxnet.native.dir}) and loads it with JNA. {@link #check} turns a failed C API call
 * into an exception carrying {@code MXGetLastError()}.
 *
 * <p>Kindling's OpenBLAS (JavaCPP) is loaded <em>before</em> MXNet. Both ship a library with the
 * soname {@code libopenblas.so.0}, and the dynamic linker satisfies a {@code NEEDED} entry with
 * an already loaded library of that soname. Loading Kindling's first keeps Kindling on the
 * OpenBLAS it ships with (0.3.31; MXNet's 0.3.7 lacks symbols JavaCPP binds), and MXNet then
 * calls that same OpenBLAS through the standard CBLAS interface. MXNet's other bundled libraries
 * ({@code libgfortran.so.3}, {@code libgomp.so.1}, {@code libquadmath.so.0}) are its own.
 */
final class Mxnet {
  private static Mxnet instance;
  private static RuntimeException loadFailure;

  private final MxnetCApi api;
  private final Path library;

  private Mxnet(MxnetCApi api, Path library) {
    this.api = api;
    this.library = library;
  }

  /**
   * The loaded library.
   *
   * @throws IllegalStateException if it cannot be extracted or loaded (the message says why)
   */
  static synchronized Mxnet get() {
    if (instance != null) {
      return instance;
    }
    if (loadFailure != null) {
      throw loadFailure;
    }
    try {
      instance = load();
      return instance;
    } catch (IOException | RuntimeException | LinkageError e) {
      loadFailure = new IllegalStateException("cannot load MXNet 1.9.1: " + e.getMessage(), e);
      throw loadFailure;
    }
  }

  private static Mxnet load() throws IOException {
    Path dir = Path.of(System.getProperty("kindling.mxnet.native.dir", "target/mxnet-native"))
        .toAbsolutePath();
    Path lib = MxnetNatives.extract(dir);
    Loader.load(openblas_full.class); // see the class comment: Kindling's OpenBLAS goes first
    MxnetCApi api;
    try {
      api = Native.load(lib.toString(), MxnetCApi.class,
          Map.of(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException("the dynamic linker refused " + lib + " (" + e.getMessage()
          + "); `ldd " + lib + "` names the missing system library", e);
    }
    // As Python's `import mxnet` does: listing the operators registers the legacy
    // OperatorProperty operators (MakeLoss, ...) with NNVM; NNGetOpHandle fails for them before.
    IntByReference n = new IntByReference();
    if (api.MXListAllOpNames(n, new PointerByReference()) != 0) {
      throw new IllegalStateException("MXListAllOpNames failed: " + api.MXGetLastError());
    }
    return new Mxnet(api, lib);
  }

  /** The C API. */
  MxnetCApi api() {
    return api;
  }

  /** The path {@code libmxnet.so} was loaded from. */
  Path library() {
    return library;
  }

  /**
   * Throws if a C API call failed.
   *
   * @param rc the call's return code
   * @param call what was called, for the message
   * @throws IllegalStateException with MXNet's last error if {@code rc != 0}
   */
  void check(int rc, String call) {
    if (rc != 0) {
      throw new IllegalStateException(
          "MXNet " + call + " failed (rc " + rc + "): " + api.MXGetLastError());
    }
  }

  /** {@code MXGetVersion}: major*10000 + minor*100 + patch. */
  int version() {
    IntByReference v = new IntByReference();
    check(api.MXGetVersion(v), "MXGetVersion");
    return v.getValue();
  }

  /** {@code n} UTF-8 C strings from a {@code const char**} that MXNet returned. */
  static List<String> strings(Pointer array, int n) {
    if (n == 0) {
      return List.of();
    }
    return List.of(array.getStringArray(0, n, StandardCharsets.UTF_8.name()));
  }

  /**
   * The files of mapped shared libraries of this process whose name contains {@code part}
   * (from {@code /proc/self/maps}), to see which copy of a library the linker picked.
   */
  static List<String> mappedLibraries(String part) throws IOException {
    try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.map(l -> l.indexOf('/') >= 0 ? l.substring(l.indexOf('/')) : "")
          .filter(p -> p.contains(part))
          .distinct()
          .toList();
    }
  }
}
