package org.kindling.kvstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.kindling.tensor.DType;
import org.kindling.tensor.Shape;

/**
 * A worker's connection to one {@link KVStoreServer}: a blocking socket, a reader thread that
 * answers the challenge, checks the server's proof of the secret and routes replies to waiting
 * requests by id (a VALUE straight into the request's {@link Landing}, if it has one), and
 * frame writes under a lock from the calling thread. No engine thread ever blocks here. The
 * timeouts of requests awaited without a thread ({@link #onReply}) are found by a periodic
 * sweep. Once in, a HEARTBEAT goes out every {@code heartbeatInterval}; a server that
 * sends nothing for {@code heartbeatTimeout} (while no large write makes progress) is taken for
 * dead. If the connection breaks, every waiting and later request fails with the reason.
 */
final class ClientConnection implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** One daemon thread sends the heartbeats of every connection of this JVM. */
  private static final ScheduledExecutorService HEARTBEATS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kindling-kvstore-heartbeat");
        t.setDaemon(true);
        return t;
      });

  /** The server refused the connection for now (FATAL kind 2); {@link #open} tries again. */
  private static final class RetryLater extends KVStoreException {
    private static final long serialVersionUID = 1L;

    RetryLater(String message) {
      super(message);
    }
  }

  /** Replies without an array (OK, ERROR) fit in this. */
  private static final int MIN_REPLY_LIMIT = 64 << 10;
  /** A VALUE frame's type, request id, dtype flag and dimension count. */
  private static final int VALUE_HEAD = 1 + 8 + 2;

  private final KVStoreClientConfig config;
  private final JobMac mac;
  private final AtomicLong largestKeyBytes = new AtomicLong();
  private final String address;
  private final SocketChannel channel;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
  /** The pending requests whose VALUE reply may be read in place ({@link Landing}). */
  private final Map<Long, Landing> landings = new ConcurrentHashMap<>();
  /** The requests {@link #onReply} waits for, until they complete: swept for their timeout. */
  private final Map<CompletableFuture<Reply>, Watch> watched = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final CompletableFuture<Void> handshake = new CompletableFuture<>();
  /** Completed with the reason when an authenticated connection breaks without {@link #close}. */
  private final CompletableFuture<KVStoreException> lost = new CompletableFuture<>();
  private final byte[] clientNonce = new byte[Protocol.NONCE_BYTES];
  private final Thread reader;
  private volatile KVStoreException broken;
  private volatile boolean closing;
  /** When the server was last heard from, or a large write last moved (System.nanoTime). */
  private volatile long lastProgress = System.nanoTime();
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> sweep;

  /** A watched request's deadline (System.nanoTime) and landing (may be null). */
  private record Watch(long deadline, Landing landing) {}

  private ClientConnection(KVStoreClientConfig config, JobMac mac, ServerAddress target,
      SocketChannel channel) {
    this.config = config;
    this.mac = mac;
    this.address = target.toString();
    this.channel = channel;
    this.reader = new Thread(this::readLoop, "kindling-kvstore-client-rank" + config.rank());
    this.reader.setDaemon(true);
  }

  /** {@link #open(KVStoreClientConfig, JobMac, ServerAddress)} to the config's coordinator. */
  static ClientConnection open(KVStoreClientConfig config) {
    return open(config, new JobMac(config.secretUnsafe()), config.coordinator());
  }

  /**
   * Connects to {@code target} and authenticates with {@code mac} (the job's secret).
   *
   * @throws KVStoreAuthenticationException if the server refuses the credentials
   * @throws KVStoreException if the server cannot be reached or does not answer in time
   */
  static ClientConnection open(KVStoreClientConfig config, JobMac mac, ServerAddress target) {
    Protocol.requireLittleEndianHost();
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    long backoffMs = 20;
    RetryLater refused = null;
    while (true) {
      try {
        return openOnce(config, mac, target, deadline);
      } catch (RetryLater e) {
        refused = e;
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= backoffMs) {
          throw stillRefused(refused, config, null);
        }
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new KVStoreException("interrupted while connecting to " + target, ie);
        }
        backoffMs = Math.min(1000, backoffMs * 2);
        if (deadline - System.nanoTime() <= 0) { // the sleep overran the deadline (a busy host)
          throw stillRefused(refused, config, null);
        }
      } catch (KVStoreAuthenticationException e) {
        throw e;
      } catch (KVStoreException e) {
        // a retry that ran out of time while connecting or authenticating: the refusal is the
        // cause the user can act on, the timeout of the last attempt only its consequence
        if (refused != null && TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) <= 0) {
          throw stillRefused(refused, config, e);
        }
        throw e;
      }
    }
  }

  private static KVStoreException stillRefused(RetryLater refused, KVStoreClientConfig config,
      KVStoreException lastAttempt) {
    KVStoreException e = new KVStoreException(refused.getMessage() + " (still refused after the"
        + " connectTimeout of " + config.connectTimeout().toMillis() + " ms)", refused);
    if (lastAttempt != null) {
      e.addSuppressed(lastAttempt);
    }
    return e;
  }

  private static ClientConnection openOnce(KVStoreClientConfig config, JobMac mac,
      ServerAddress target, long deadline) {
    long timeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    SocketChannel ch;
    try {
      ch = SocketChannel.open();
      try {
        ch.socket().setTcpNoDelay(true);
        ch.socket().connect(new InetSocketAddress(target.host(), target.port()), (int) timeoutMs);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new KVStoreException("cannot connect to the kvstore server " + target
          + " as worker rank " + config.rank() + ": " + e, e);
    }
    ClientConnection c = new ClientConnection(config, mac, target, ch);
    c.reader.start();
    try {
      c.handshake.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      c.close();
      throw new KVStoreException("the kvstore server " + target + " did not complete"
          + " authentication within " + timeoutMs + " ms; is that the KVStoreServer's port?");
    } catch (InterruptedException e) {
      c.close();
      Thread.currentThread().interrupt();
      throw new KVStoreException("interrupted while connecting to " + target, e);
    } catch (ExecutionException e) {
      c.close();
      throw (KVStoreException) e.getCause();
    }
    long every = config.heartbeatInterval().toMillis();
    c.heartbeat = HEARTBEATS.scheduleWithFixedDelay(c::heartbeat, every, every,
        TimeUnit.MILLISECONDS);
    long sweepMs = sweepInterval(config.requestTimeout());
    c.sweep = HEARTBEATS.scheduleWithFixedDelay(c::sweepTimeouts, sweepMs, sweepMs,
        TimeUnit.MILLISECONDS);
    return c;
  }

  /**
   * Heartbeat tick: gives up on a server that has been silent too long, else sends a HEARTBEAT
   * unless a write is under way (which keeps the server's idle timer quiet anyway).
   */
  private void heartbeat() {
    if (broken != null) {
      heartbeat.cancel(false);
      return;
    }
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgress);
    if (silentMs > config.heartbeatTimeout().toMillis()) {
      fail(new KVStoreException("the kvstore server " + address + " sent nothing for "
          + silentMs + " ms although worker rank " + config.rank() + " sent heartbeats every "
          + config.heartbeatInterval().toMillis() + " ms (heartbeatTimeout "
          + config.heartbeatTimeout().toMillis() + " ms): its process (the driver, or the"
          + " executor hosting it) is gone or the network is partitioned"));
      closeChannel(); // unblocks the reader and any blocked writer
      return;
    }
    if (!writeLock.tryLock()) {
      return;
    }
    try {
      long id = nextId.getAndIncrement();
      pending.put(id, new CompletableFuture<>()); // the reply completes it; nobody waits
      ByteBuf f = Frames.startOnHeap(Protocol.HEARTBEAT);
      f.writeLongLE(id);
      Frames.finish(f, 0);
      write(f.nioBuffer(), null);
    } catch (IOException e) {
      fail(new KVStoreException("cannot send a heartbeat to the kvstore server " + address
          + ": " + e, e));
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * How often {@link #sweepTimeouts} looks for overdue requests: a sixteenth of the timeout
   * (so a request fails at most that late), from 5 ms to 1 s.
   */
  static long sweepInterval(Duration requestTimeout) {
    return Math.max(5, Math.min(1000, requestTimeout.toMillis() / 16));
  }

  /**
   * Times out the requests {@link #onReply} waits for whose deadline has passed. One periodic
   * sweep instead of a timer per request: a timer per request (what {@code orTimeout} does) is
   * queued and cancelled under a lock and wakes the JDK's delay thread whenever it becomes the
   * earliest, a thread switch or two a training step for nothing (decision 0076). A request
   * whose reply the reader is reading in place is left to the reader ({@link Landing}).
   */
  private void sweepTimeouts() {
    if (watched.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    watched.forEach((f, w) -> {
      if (now - w.deadline() >= 0 && (w.landing() == null || w.landing().abandon())) {
        f.completeExceptionally(new TimeoutException());
      }
    });
  }

  /** {@code host:port} of the server. */
  String address() {
    return address;
  }

  /** Raises the reply limit to fit a VALUE of {@code shape}; called before its INIT is sent. */
  void expectKey(Shape shape) {
    expectReply(shape.size() * 4L);
  }

  /** Raises the reply limit to fit {@code bytes} of data after a reply's header. */
  void expectReply(long bytes) {
    largestKeyBytes.accumulateAndGet(bytes, Math::max);
  }

  /** Replies may carry the largest registered key, or an error text of up to 64 KiB. */
  private int replyLimit() {
    long limit = Math.max(MIN_REPLY_LIMIT, FrameLimits.HEADER_BYTES + largestKeyBytes.get());
    return (int) Math.min(config.maxFrameBytes(), limit);
  }

  /**
   * Sends one request and returns the future of its reply. The frame is {@code type, id,
   * fields..., data}; {@code data} (may be null) is written straight from its buffer.
   */
  CompletableFuture<Reply> send(byte type, Consumer<ByteBuf> fields, ByteBuffer data,
      String what) {
    return send(type, fields, data, what, null);
  }

  /**
   * {@link #send(byte, Consumer, ByteBuffer, String)} whose float32 VALUE reply, if it has
   * {@code landing}'s size, the reader puts straight into {@code landing} (may be null); the
   * reply's data is then that range ({@link Landing#holds}). Await it with {@link #onReply}
   * and the same landing.
   */
  CompletableFuture<Reply> send(byte type, Consumer<ByteBuf> fields, ByteBuffer data,
      String what, Landing landing) {
    long id = nextId.getAndIncrement();
    CompletableFuture<Reply> f = new CompletableFuture<>();
    KVStoreException b = broken;
    if (b != null) {
      f.completeExceptionally(brokenFor(what, b));
      return f;
    }
    if (landing != null) {
      landings.put(id, landing); // before the request can be answered
    }
    pending.put(id, f);
    if (broken != null && pending.remove(id) != null) {
      landings.remove(id);
      // fail() ran between the check above and the put; it did not see this request
      f.completeExceptionally(brokenFor(what, broken));
      return f;
    }
    ByteBuf header = Frames.startOnHeap(type);
    header.writeLongLE(id);
    fields.accept(header);
    int dataBytes = data == null ? 0 : data.remaining();
    Frames.finish(header, dataBytes);
    long frameBytes = header.readableBytes() - 4L + dataBytes;
    if (frameBytes > config.maxFrameBytes()) {
      pending.remove(id);
      landings.remove(id);
      f.completeExceptionally(new KVStoreException(what + ": the request is " + frameBytes
          + " bytes, more than maxFrameBytes=" + config.maxFrameBytes() + " (raise it on the"
          + " server and the client for bigger arrays)"));
      return f;
    }
    try {
      write(header.nioBuffer(), data == null ? null : data.duplicate());
    } catch (IOException e) {
      pending.remove(id);
      landings.remove(id);
      KVStoreException ex = new KVStoreException(
          what + ": cannot send to the kvstore server " + address + ": " + e, e);
      fail(ex);
      f.completeExceptionally(ex);
    }
    return f;
  }

  /** {@link #send} then {@link #await}: one blocking request. */
  Reply call(byte type, Consumer<ByteBuf> fields, ByteBuffer data, String what) {
    return await(send(type, fields, data, what), what);
  }

  private void write(ByteBuffer header, ByteBuffer data) throws IOException {
    ByteBuffer[] parts = data == null ? new ByteBuffer[] {header} : new ByteBuffer[] {header, data};
    writeLock.lock();
    try {
      boolean first = true;
      while (header.hasRemaining() || (data != null && data.hasRemaining())) {
        long n = channel.write(parts);
        if (!first && n > 0) {
          // past the socket buffer, bytes move only as the server takes them: it is alive
          lastProgress = System.nanoTime();
        }
        first = false;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Waits for a reply within the request timeout; turns ERROR replies, broken connections and
   * timeouts into {@link KVStoreException}s that name {@code what} and the server.
   */
  Reply await(CompletableFuture<Reply> f, String what) {
    Duration timeout = config.requestTimeout();
    Reply r;
    try {
      r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw timedOut(what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KVStoreException(what + " on " + address + " was interrupted", e);
    } catch (ExecutionException e) {
      throw failed(what, e.getCause());
    }
    return requireNotError(r, what);
  }

  /**
   * {@link #await} without a waiting thread, for engine operations: calls {@code onReply} with
   * the reply or {@code onError} with the exception {@code await} would throw (an ERROR reply,
   * a broken connection, the request timeout), exactly once, on the thread that completes the
   * request (the reader's, or the caller's if it is complete already).
   */
  void onReply(CompletableFuture<Reply> f, String what, Consumer<Reply> onReply,
      Consumer<KVStoreException> onError) {
    onReply(f, what, null, onReply, onError);
  }

  /**
   * {@link #onReply(CompletableFuture, String, Consumer, Consumer)} of a request sent with
   * {@code landing} (may be null): the timeout abandons the landing first, and if the reader has
   * taken it already, leaves the request to the reader, which completes it once the data is in
   * (or its connection broke), so the caller never lets go of memory the reader writes.
   */
  void onReply(CompletableFuture<Reply> f, String what, Landing landing,
      Consumer<Reply> onReply, Consumer<KVStoreException> onError) {
    watched.put(f, new Watch(System.nanoTime() + config.requestTimeout().toNanos(), landing));
    f.whenComplete((r, t) -> {
      watched.remove(f);
      KVStoreException err;
      if (t == null) {
        err = r.type() == Protocol.ERROR ? rejected(r, what) : null;
      } else {
        Throwable c = t instanceof CompletionException && t.getCause() != null
            ? t.getCause() : t;
        err = c instanceof TimeoutException ? timedOut(what) : failed(what, c);
      }
      if (err == null) {
        onReply.accept(r);
      } else {
        onError.accept(err);
      }
    });
  }

  private Reply requireNotError(Reply r, String what) {
    if (r.type() == Protocol.ERROR) {
      throw rejected(r, what);
    }
    return r;
  }

  private KVStoreException rejected(Reply r, String what) {
    return new KVStoreException(
        "kvstore server " + address + " rejected " + what + ": " + r.message());
  }

  private KVStoreException timedOut(String what) {
    return new KVStoreException(what + " on the kvstore server " + address + " timed out after "
        + config.requestTimeout().toMillis() + " ms; a peer worker may be stuck or dead (raise"
        + " KVStoreClientConfig.requestTimeout if steps are this slow)");
  }

  private static KVStoreException failed(String what, Throwable c) {
    if (c instanceof KVStoreException k) {
      return new KVStoreException(what + " failed: " + k.getMessage(), k);
    }
    return new KVStoreException(what + " failed: " + c, c);
  }

  private void readLoop() {
    try {
      ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer head = ByteBuffer.allocate(VALUE_HEAD + 4 * Protocol.MAX_NDIM)
          .order(ByteOrder.LITTLE_ENDIAN);
      while (true) {
        len.clear();
        readFully(len);
        long n = Integer.toUnsignedLong(len.getInt(0));
        // until the server has proven it knows the secret, accept only small frames; then
        // values of the keys this worker registered, and text
        int limit = handshake.isDone() ? replyLimit() : Protocol.PRE_AUTH_MAX_FRAME;
        if (n < 1 || n > limit) {
          throw new KVStoreException("the kvstore server " + address + " sent a frame of " + n
              + " bytes (limit " + limit + (handshake.isDone() ? ": the largest key this worker"
                  + " registered has " + largestKeyBytes.get() + " bytes" : "")
              + "); is that the KVStoreServer's port? (KVStoreClientConfig.maxFrameBytes="
              + config.maxFrameBytes() + " caps the limit)");
        }
        head.clear();
        if (handshake.isDone() && !landings.isEmpty() && n >= VALUE_HEAD
            && readInPlace((int) n, head)) {
          continue;
        }
        // the frame in a buffer of its own, starting with what readInPlace read of it
        ByteBuffer body = ByteBuffer.allocate((int) n);
        body.put(head.flip());
        readFully(body);
        lastProgress = System.nanoTime();
        body.flip();
        dispatch(Unpooled.wrappedBuffer(body));
      }
    } catch (KVStoreException e) {
      fail(e);
    } catch (ProtocolException e) {
      fail(new KVStoreException(
          "the kvstore server " + address + " sent a malformed reply: " + e.getMessage(), e));
    } catch (IOException | RuntimeException e) {
      fail(new KVStoreException(closing
          ? "the connection to the kvstore server " + address + " was closed"
          : "lost the connection to the kvstore server " + address + ": " + e, e));
    }
    closeChannel();
  }

  /**
   * Reads a frame of {@code n} bytes that may be the VALUE reply of a request with a {@link
   * Landing}: its header into {@code head}, then, if it is float32 data of the landing's size
   * and the landing is still there to take, the data straight into it, and completes the
   * request. Otherwise stops after the header (what it read is in {@code head}, flipped by the
   * caller) and returns false.
   */
  private boolean readInPlace(int n, ByteBuffer head) throws IOException {
    head.limit(VALUE_HEAD);
    readFully(head);
    if (head.get(0) != Protocol.VALUE
        || Byte.toUnsignedInt(head.get(9)) != DType.FLOAT32.flag()) {
      return false;
    }
    long id = head.getLong(1);
    Landing landing = landings.get(id);
    int ndim = Byte.toUnsignedInt(head.get(10));
    if (landing == null || ndim > Protocol.MAX_NDIM
        || n != VALUE_HEAD + 4L * ndim + landing.bytes()) {
      return false;
    }
    head.limit(VALUE_HEAD + 4 * ndim);
    readFully(head);
    // the same checks as a VALUE read from its own buffer (dimensions, size)
    ByteBuf header = Unpooled.wrappedBuffer(head.array(), 9, 2 + 4 * ndim);
    Shape shape = Protocol.readArray(header, "VALUE").shape();
    if (shape.size() * Float.BYTES != landing.bytes()) {
      return false;
    }
    ByteBuffer range = landing.take();
    if (range == null) {
      return false; // given up on (timed out or failed): the reply goes nowhere
    }
    // from here the request is this thread's to complete; if the read fails, fail() does it
    readFully(range);
    lastProgress = System.nanoTime();
    range.clear();
    landing.landed(range);
    CompletableFuture<Reply> f = pending.remove(id);
    landings.remove(id);
    if (f == null) {
      throw new ProtocolException("VALUE frame answers unknown request id " + id);
    }
    f.complete(Reply.value(shape, false, range));
    return true;
  }

  private void readFully(ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (channel.read(buf) < 0) {
        throw new EOFException("the server closed the connection");
      }
    }
  }

  private void dispatch(ByteBuf frame) throws IOException {
    byte type = frame.readByte();
    String name = Protocol.typeName(type);
    switch (type) {
      case Protocol.CHALLENGE -> answerChallenge(frame);
      case Protocol.AUTH_OK -> {
        Protocol.require(frame, 5 + Protocol.MAC_BYTES, name, "body");
        int w = frame.readIntLE();
        frame.readByte();
        byte[] proof = new byte[Protocol.MAC_BYTES];
        frame.readBytes(proof);
        if (!mac.checkProof(clientNonce, config.rank(), proof)) {
          throw new KVStoreAuthenticationException("authentication failed: the server at "
              + address + " could not prove it knows the job's secret; check that host and port"
              + " point at this job's KVStoreServer");
        }
        if (w != config.numWorkers()) {
          throw new KVStoreAuthenticationException("kvstore server " + address + " has " + w
              + " workers but this worker was started for " + config.numWorkers());
        }
        handshake.complete(null);
      }
      case Protocol.FATAL -> {
        Protocol.require(frame, 1, name, "kind");
        byte kind = frame.readByte();
        String msg = Protocol.readString(frame, name, "message", frame.readableBytes());
        String full = "kvstore server " + address + " closed the connection of worker rank "
            + config.rank() + ": " + msg;
        throw kind == Protocol.FATAL_AUTH ? new KVStoreAuthenticationException(full)
            : kind == Protocol.FATAL_RETRY && !handshake.isDone() ? new RetryLater(full)
            : new KVStoreException(full);
      }
      case Protocol.OK, Protocol.VALUE, Protocol.ERROR, Protocol.STATE_BYTES,
          Protocol.TRAFFIC_BYTES -> {
        Protocol.require(frame, 8, name, "request id");
        long id = frame.readLongLE();
        Reply r;
        if (type == Protocol.OK) {
          Protocol.requireEnd(frame, name);
          r = Reply.ok();
        } else if (type == Protocol.VALUE) {
          Protocol.ArrayHeader array = Protocol.readArray(frame, name);
          int n = Protocol.requireData(frame, array, name);
          r = Reply.value(array.shape(), array.half(),
              frame.nioBuffer(frame.readerIndex(), n).slice());
        } else if (type == Protocol.STATE_BYTES) {
          Protocol.require(frame, 1, name, "presence flag");
          int present = frame.readUnsignedByte();
          if (present > 1) {
            throw new ProtocolException(name + " frame: presence flag " + present
                + " is neither 0 nor 1");
          }
          if (present == 0) {
            Protocol.requireEnd(frame, name);
          }
          r = Reply.states(present == 1 ? frame.nioBuffer().slice() : null);
        } else if (type == Protocol.TRAFFIC_BYTES) {
          r = Reply.traffic(TrafficCodec.read(frame, name));
        } else {
          r = Reply.error(Protocol.readString(frame, name, "message", frame.readableBytes()));
        }
        CompletableFuture<Reply> f = pending.remove(id);
        landings.remove(id);
        if (f == null) {
          throw new ProtocolException(name + " frame answers unknown request id " + id);
        }
        f.complete(r);
      }
      default -> throw new ProtocolException("unexpected " + name + " frame from the server");
    }
  }

  private void answerChallenge(ByteBuf frame) throws IOException {
    if (handshake.isDone()) {
      throw new ProtocolException("CHALLENGE after authentication");
    }
    Protocol.require(frame, 8 + Protocol.NONCE_BYTES, "CHALLENGE", "body");
    int magic = frame.readIntLE();
    int version = frame.readIntLE();
    if (magic != Protocol.MAGIC) {
      throw new KVStoreException(address + " is not a Kindling kvstore server (bad magic)");
    }
    if (version != Protocol.VERSION) {
      throw new KVStoreException("the kvstore server " + address + " speaks protocol version "
          + version + " but this worker speaks " + Protocol.VERSION
          + "; run the same Kindling version on the driver and the executors");
    }
    byte[] nonce = new byte[Protocol.NONCE_BYTES];
    frame.readBytes(nonce);
    ByteBuf f = Frames.startOnHeap(Protocol.AUTH);
    f.writeIntLE(Protocol.MAGIC);
    f.writeIntLE(Protocol.VERSION);
    f.writeIntLE(config.rank());
    f.writeIntLE(config.numWorkers());
    f.writeByte(config.mode().code());
    f.writeBytes(mac.answer(nonce, config.rank()));
    RANDOM.nextBytes(clientNonce);
    f.writeBytes(clientNonce);
    Frames.finish(f, 0);
    write(f.nioBuffer(), null);
  }

  private static KVStoreException brokenFor(String what, KVStoreException cause) {
    return new KVStoreException(what + ": " + cause.getMessage(), cause);
  }

  /** Marks the connection broken and fails the handshake and every waiting request. */
  private void fail(KVStoreException e) {
    if (broken == null) {
      broken = e;
    }
    if (!closing && handshake.isDone() && !handshake.isCompletedExceptionally()) {
      lost.complete(broken);
    }
    handshake.completeExceptionally(e);
    boolean onReader = Thread.currentThread() == reader;
    for (Long id : pending.keySet()) {
      Landing landing = landings.get(id);
      if (landing != null && !landing.abandon() && !onReader) {
        // the reader is reading this reply in place: it completes the request when the data
        // is in, or fails it here on its own thread when the closed socket stops it
        continue;
      }
      landings.remove(id);
      CompletableFuture<Reply> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(e);
      }
    }
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket we no longer use; nothing to report
    }
  }

  /** Closes the socket and stops the reader thread. Idempotent. */
  @Override
  public void close() {
    closing = true;
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (sweep != null) {
      sweep.cancel(false);
    }
    closeChannel();
    if (Thread.currentThread() != reader) {
      try {
        reader.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    fail(new KVStoreException("the connection to the kvstore server " + address + " is closed"));
  }

  /**
   * Completes, on the thread that noticed it (the reader's, the heartbeat's or a writer's), with
   * the reason when the authenticated connection breaks other than by {@link #close}: the server
   * closed it, its process or host is gone (a reset, or silence for {@code heartbeatTimeout}), or
   * it sent something malformed. Never completes for a connection this side closed.
   */
  CompletableFuture<KVStoreException> lost() {
    return lost;
  }

  /** True if a write or read failed or the connection was closed. */
  boolean isBroken() {
    return broken != null;
  }
}
