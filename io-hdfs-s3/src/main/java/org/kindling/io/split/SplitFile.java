package org.kindling.io.split;

import org.apache.hadoop.fs.Path;

/**
 * One non-empty file of a split and its place in the global byte space.
 *
 * @param path the fully qualified file path
 * @param start global offset of the file's first byte
 * @param size file size in bytes (a positive multiple of 4)
 */
public record SplitFile(Path path, long start, long size) {
  /** Global offset just past the file's last byte (the next file's start). */
  public long end() {
    return start + size;
  }
}
