package org.kindling.kvstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.kindling.tensor.Shape;

/**
 * A bare socket that speaks (or breaks) the wire protocol by hand, to test what the server does
 * with hostile or broken peers.
 */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    this(port, "127.0.0.1");
  }

  /** Connects from {@code localAddress} (any 127.x.y.z works on Linux loopback). */
  RawClient(int port, String localAddress) throws IOException {
    socket = new Socket("127.0.0.1", port, InetAddress.getByName(localAddress), 0);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** The next frame's body (type byte first), or null at end of stream. */
  byte[] readFrame() throws IOException {
    byte[] len = new byte[4];
    try {
      in.readFully(len);
    } catch (EOFException e) {
      return null;
    }
    int n = Unpooled.wrappedBuffer(len).readIntLE();
    byte[] body = new byte[n];
    in.readFully(body);
    return body;
  }

  /** Writes a frame with a correct length prefix. */
  void writeFrame(ByteBuf body) throws IOException {
    ByteBuf f = Unpooled.buffer();
    f.writeIntLE(body.readableBytes());
    f.writeBytes(body);
    writeRaw(f);
  }

  /** Writes bytes as they are. */
  void writeRaw(ByteBuf bytes) throws IOException {
    byte[] b = new byte[bytes.readableBytes()];
    bytes.readBytes(b);
    out.write(b);
    out.flush();
  }

  /** Reads the CHALLENGE and returns its nonce. */
  byte[] readChallenge() throws IOException {
    ByteBuf c = Unpooled.wrappedBuffer(readFrame());
    assertThat(c.readByte()).isEqualTo(Protocol.CHALLENGE);
    assertThat(c.readIntLE()).isEqualTo(Protocol.MAGIC);
    assertThat(c.readIntLE()).isEqualTo(Protocol.VERSION);
    byte[] nonce = new byte[Protocol.NONCE_BYTES];
    c.readBytes(nonce);
    return nonce;
  }

  /** Completes the handshake as {@code rank} of {@code w} (sync mode) and checks AUTH_OK. */
  void authenticate(byte[] secret, int rank, int w) throws IOException {
    byte[] clientNonce = sendAuth(secret, rank, w);
    checkAuthOk(readFrame(), secret, rank, w, clientNonce);
  }

  /**
   * A connection logged in as {@code rank}, once the server has released the rank's previous
   * connection: the server releases it after closing it, which the previous client may see
   * first, and until then refuses the rank with FATAL kind 2 (try again).
   */
  static RawClient loggedIn(int port, byte[] secret, int rank, int w) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      RawClient raw = new RawClient(port);
      byte[] clientNonce = raw.sendAuth(secret, rank, w);
      byte[] reply = raw.readFrame();
      if (reply != null && reply[0] == Protocol.FATAL && reply[1] == Protocol.FATAL_RETRY
          && System.nanoTime() < deadline) {
        raw.close();
        Thread.sleep(20);
        continue;
      }
      raw.checkAuthOk(reply, secret, rank, w, clientNonce);
      return raw;
    }
  }

  private void checkAuthOk(byte[] reply, byte[] secret, int rank, int w, byte[] clientNonce) {
    ByteBuf ok = Unpooled.wrappedBuffer(reply);
    assertThat(ok.readByte()).isEqualTo(Protocol.AUTH_OK);
    assertThat(ok.readIntLE()).isEqualTo(w);
    assertThat(ok.readByte()).isEqualTo(SyncMode.SYNC.code());
    byte[] proof = new byte[Protocol.MAC_BYTES];
    ok.readBytes(proof);
    assertThat(new JobMac(secret).checkProof(clientNonce, rank, proof)).isTrue();
  }

  /** Answers the challenge as {@code rank} of {@code w} and returns the refusal's message. */
  String refusedLogin(byte[] secret, int rank, int w) throws IOException {
    sendAuth(secret, rank, w);
    return readFatal();
  }

  /** Reads the CHALLENGE, answers it, and returns the client nonce sent. */
  private byte[] sendAuth(byte[] secret, int rank, int w) throws IOException {
    byte[] nonce = readChallenge();
    ByteBuf a = Unpooled.buffer();
    a.writeByte(Protocol.AUTH);
    a.writeIntLE(Protocol.MAGIC);
    a.writeIntLE(Protocol.VERSION);
    a.writeIntLE(rank);
    a.writeIntLE(w);
    a.writeByte(SyncMode.SYNC.code());
    a.writeBytes(new JobMac(secret).answer(nonce, rank));
    byte[] clientNonce = new byte[Protocol.NONCE_BYTES];
    clientNonce[0] = 42;
    a.writeBytes(clientNonce);
    writeFrame(a);
    return clientNonce;
  }

  /**
   * Logs in as {@code rank} of {@code w} once the server has let go of the rank's last
   * connection: until it has seen that one close, the rank is still taken and a login is refused.
   * Logged in, the rank counts as connected for every request sent afterwards. The server has
   * no event a client could wait on for that close, so this retries, within the 60 s deadline
   * the other waits of these tests use (a loaded CI machine may take seconds to run the close).
   */
  static RawClient loginWhenFree(int port, byte[] secret, int rank, int w) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      RawClient c = new RawClient(port);
      try {
        c.authenticate(secret, rank, w);
        return c;
      } catch (AssertionError e) {
        c.close();
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /** As worker {@code rank} of 2: INIT {@code key} without data, then BARRIER; waits for both. */
  void initAndBarrier(byte[] secret, int rank, String key, Shape shape) throws IOException {
    authenticate(secret, rank, 2);
    initAndBarrier(key, shape);
  }

  /** Logged in: INIT {@code key} without data, then BARRIER; waits for both. */
  void initAndBarrier(String key, Shape shape) throws IOException {
    ByteBuf init = Unpooled.buffer();
    init.writeByte(Protocol.INIT);
    init.writeLongLE(1);
    Protocol.writeString(init, key);
    init.writeByte(0);
    Protocol.writeArrayHeader(init, shape);
    writeFrame(init);
    ByteBuf barrier = Unpooled.buffer();
    barrier.writeByte(Protocol.BARRIER);
    barrier.writeLongLE(2);
    writeFrame(barrier);
    assertThat(readFrame()[0]).isEqualTo(Protocol.OK);
    assertThat(readFrame()[0]).isEqualTo(Protocol.OK);
  }

  /** Reads frames until a FATAL arrives and returns its message (fails at end of stream). */
  String readFatal() throws IOException {
    while (true) {
      byte[] f = readFrame();
      assertThat(f).as("a FATAL frame before the server closes").isNotNull();
      if (f[0] == Protocol.FATAL) {
        ByteBuf b = Unpooled.wrappedBuffer(f);
        b.readByte();
        b.readByte();
        int n = b.readIntLE();
        byte[] s = new byte[n];
        b.readBytes(s);
        return new String(s, StandardCharsets.UTF_8);
      }
    }
  }

  /** True once the server has closed the connection (end of stream). */
  boolean closedByServer() throws IOException {
    try {
      while (readFrame() != null) {
        // drain anything still queued
      }
      return true;
    } catch (SocketException e) {
      // a reset also means the server closed it (a read timeout does not, and propagates)
      return true;
    }
  }

  /** Sends a request frame of {@code type} with {@code id} and a key, as a worker would. */
  void writeRequest(byte type, long id, String key) throws IOException {
    ByteBuf f = Unpooled.buffer();
    f.writeByte(type);
    f.writeLongLE(id);
    if (key != null) {
      Protocol.writeString(f, key);
    }
    writeFrame(f);
  }

  /** Sends PUSH {@code key} of {@code values} with request {@code id}. */
  void push(long id, String key, float... values) throws IOException {
    ByteBuf f = Unpooled.buffer();
    f.writeByte(Protocol.PUSH);
    f.writeLongLE(id);
    Protocol.writeString(f, key);
    Protocol.writeArrayHeader(f, Shape.of(values.length));
    for (float v : values) {
      f.writeFloatLE(v);
    }
    writeFrame(f);
  }

  /** Reads the next reply and returns "OK id", "ERROR id: message" or "VALUE id". */
  String readReply() throws IOException {
    byte[] frame = readFrame();
    assertThat(frame).as("a reply before the server closes").isNotNull();
    ByteBuf b = Unpooled.wrappedBuffer(frame);
    byte type = b.readByte();
    long id = b.readLongLE();
    if (type == Protocol.ERROR) {
      byte[] s = new byte[b.readIntLE()];
      b.readBytes(s);
      return "ERROR " + id + ": " + new String(s, StandardCharsets.UTF_8);
    }
    return Protocol.typeName(type) + " " + id;
  }

  /** Half-closes: the server sees end of stream. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
