package org.kindling.io.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** What the tests' TCP proxies in front of s3proxy share: reading a request head, pumping bytes. */
final class ProxySockets {
  private ProxySockets() {}

  /** The bytes up to and including the blank line ending a request head; null at the end. */
  static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while (state < 4 && (b = in.read()) >= 0) {
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1
          || state == 3)) ? state + 1 : 0;
    }
    return state == 4 ? head.toByteArray() : null;
  }

  /** Copies {@code from}'s input to {@code to}'s output until the end, then half-closes it. */
  static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }
}
