package org.kindling.io.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TCP proxy in front of an HTTP/1.1 server (s3proxy) that records the request line of every
 * request it forwards, so a test can count what a client asked for: {@code "HEAD /bucket/key"},
 * {@code "GET /bucket/key"}, {@code "GET /bucket?list-type=2&..."}. Requests on kept-alive
 * connections are each recorded: the client's side is parsed head by head, skipping bodies of
 * a {@code Content-Length} (a chunked body ends the parsing for that connection, which is then
 * still forwarded). Public: other modules' tests take it from this module's test jar.
 */
public final class CountingHttpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI target;
  private final List<String> requests = new ArrayList<>();

  /** A proxy on a free loopback port forwarding to {@code target} ({@code http://host:port}). */
  public CountingHttpProxy(URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "counting-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The proxy's address, to give a client as its endpoint. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /**
   * The request lines forwarded so far, in arrival order, as {@code METHOD path?query} (without
   * the protocol version).
   */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the requests recorded so far. */
  public synchronized void clear() {
    requests.clear();
  }

  private synchronized void record(String requestLine) {
    int version = requestLine.lastIndexOf(" HTTP/");
    requests.add(version > 0 ? requestLine.substring(0, version) : requestLine);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "counting-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket upstream = new Socket(target.getHost(), target.getPort())) {
      Thread back = new Thread(() -> ProxySockets.pump(upstream, client), "counting-proxy-back");
      back.setDaemon(true);
      back.start();
      forwardRequests(client.getInputStream(), upstream.getOutputStream());
      upstream.shutdownOutput();
      back.join();
    } catch (IOException | InterruptedException e) {
      // a closed connection ends the exchange
    }
  }

  /** Forwards the client's bytes, recording each request head's first line. */
  private void forwardRequests(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] head = ProxySockets.readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      // recorded before it is forwarded: once the client has its reply, the request is listed
      record(text.substring(0, text.indexOf("\r\n")));
      out.write(head);
      out.flush();
      long body = 0;
      for (String line : text.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          body = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          in.transferTo(out); // no more heads to find: forward the rest as it is
          return;
        }
      }
      byte[] buf = new byte[8192];
      while (body > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, body));
        if (n < 0) {
          return;
        }
        out.write(buf, 0, n);
        body -= n;
      }
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
