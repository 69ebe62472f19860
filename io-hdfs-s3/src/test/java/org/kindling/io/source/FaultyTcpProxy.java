package org.kindling.io.source;

import java.io.IOException;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an HTTP server whose first {@code faults} connections fail after the
 * request arrives, the way a busy or flaky S3 endpoint fails: with a {@code 503 SlowDown} answer
 * or a connection reset. Later connections are forwarded byte for byte.
 */
final class FaultyTcpProxy implements AutoCloseable {
  enum Fault { SLOW_DOWN, RESET }

  private final ServerSocket server;
  private final URI target;
  private final Fault fault;
  private final AtomicInteger faultsLeft;
  final AtomicInteger faulted = new AtomicInteger();

  FaultyTcpProxy(URI target, Fault fault, int faults) throws IOException {
    this.target = target;
    this.fault = fault;
    this.faultsLeft = new AtomicInteger(faults);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "faulty-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "faulty-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      if (faultsLeft.getAndDecrement() > 0) {
        ProxySockets.readHead(client.getInputStream()); // the body, if any, is dropped
        faulted.incrementAndGet();
        if (fault == Fault.RESET) {
          client.setSoLinger(true, 0); // close with RST
          return;
        }
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return;
      }
      try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
        Thread back = new Thread(() -> ProxySockets.pump(upstream, client), "faulty-proxy-back");
        back.setDaemon(true);
        back.start();
        ProxySockets.pump(client, upstream);
        back.join();
      }
    } catch (IOException | InterruptedException e) {
      // a closed connection ends the exchange
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
