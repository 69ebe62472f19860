package org.kindling.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.kindling.tensor.kernel.Blas;

/**
 * Which native library files this process has mapped, read from {@code /proc/self/maps}: how a
 * benchmark shows which OpenBLAS a peer that loads its own natives (MXNet, ND4J) actually calls.
 * Several frameworks ship a {@code libopenblas.so.0}; the dynamic linker reuses a library of
 * that soname once one is loaded, so one mapped copy means every framework calls that copy.
 */
public final class NativeLibraries {
  private static final Path MAPS = Path.of("/proc/self/maps");

  private NativeLibraries() {}

  /** The soname that {@code libmxnet.so} and Kindling's OpenBLAS binding both need. */
  public static final String OPENBLAS = "libopenblas.so.0";

  /**
   * The distinct files named {@code fileName} mapped into this process, in the order of their
   * first mapping.
   *
   * @throws IOException if the maps file cannot be read (not Linux)
   */
  public static List<Path> mapped(String fileName) throws IOException {
    return mapped(Files.readAllLines(MAPS), fileName);
  }

  /** {@link #mapped(String)} over the lines of a {@code /proc/PID/maps} file. */
  static List<Path> mapped(List<String> mapsLines, String fileName) {
    Set<Path> out = new LinkedHashSet<>();
    for (String line : mapsLines) {
      // address perms offset dev inode [path]; the path is the rest of the line after 5 fields
      String[] f = line.strip().split("\\s+", 6);
      if (f.length == 6 && f[5].startsWith("/")) {
        Path p = Path.of(f[5]);
        if (p.getFileName().toString().equals(fileName)) {
          out.add(p);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * A note for a results table: which {@code libopenblas.so.0} files the process maps and, when
   * there is exactly one, the kernel it runs (read through Kindling's binding, which calls that
   * copy). JavaCPP's {@code libopenblas_nolapack.so.0} beside it is not a second copy: it is
   * only Kindling's binding's own.
   */
  public static String openblasNote() {
    List<Path> libs;
    try {
      libs = mapped(OPENBLAS);
    } catch (IOException e) {
      return "OpenBLAS copies unknown (" + MAPS + ": " + e.getMessage() + ")";
    }
    return openblasNote(libs, Blas.coreName());
  }

  static String openblasNote(List<Path> libs, String kernel) {
    if (libs.isEmpty()) {
      return "no OpenBLAS mapped";
    }
    String files = libs.stream().map(NativeLibraries::shortName).collect(Collectors.joining(", "));
    return libs.size() == 1
        ? "OpenBLAS: one copy in the process (" + files + "), kernel " + kernel
        : "OpenBLAS: " + libs.size() + " copies in the process (" + files + ")";
  }

  /** The last three path elements, e.g. {@code openblas/linux-x86_64/libopenblas.so.0}. */
  private static String shortName(Path p) {
    int n = p.getNameCount();
    return n <= 3 ? p.toString() : p.subpath(n - 3, n).toString();
  }
}
