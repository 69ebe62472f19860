package org.kindling.tensor;

import java.io.IOException;

/**
 * A file is corrupt, truncated or not in the expected format. The message always names the file
 * and the byte offset where reading went wrong, so a user can find the bad spot.
 */
public class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  /**
   * @param file the file (path or URI) being read
   * @param offset the byte offset where the problem was found, or -1 if not applicable
   * @param problem what is wrong
   */
  public FormatException(String file, long offset, String problem) {
    super(file + (offset >= 0 ? " at byte offset " + offset : "") + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /** The file being read. */
  public String file() {
    return file;
  }

  /** The byte offset where reading failed, or -1. */
  public long offset() {
    return offset;
  }
}
