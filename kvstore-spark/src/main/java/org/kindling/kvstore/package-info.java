/**
 * Key-value stores for parameters and gradients (formats.md §5): the in-process store
 * ({@link org.kindling.kvstore.KVStores#create}), and the driver-hosted parameter server
 * ({@link org.kindling.kvstore.KVStoreServer}, and the key servers a worker may spread its keys
 * over) with its worker client ({@link org.kindling.kvstore.DistKVStore}, from {@link
 * org.kindling.kvstore.KVStores#connect}).
 * This package knows sockets and arrays only, not Spark.
 *
 * <h2>Wire protocol (version 5)</h2>
 *
 * <p>TCP; every integer and float is little-endian. A frame is
 *
 * <pre>
 * frame  := length:u32 body[length]          1 &lt;= length &lt;= limit
 * body   := type:u8 fields
 * str    := n:u32 utf8[n]                    n checked against the frame and a field limit
 * array  := dtype:u8 (0 = float32; 2 = float16 in PUSH, PUSHPULL, VALUE) ndim:u8 (&lt;= 32)
 *           dim:i32[ndim]
 * data   := float32 or float16[product of dims]  exactly the rest of the frame
 * </pre>
 *
 * <p>The server checks the declared length before buffering the body: until the peer has
 * authenticated the limit is 1024 bytes; afterwards it depends on the type byte ({@code
 * FrameLimits}): frames that carry an array may be as large as the largest key registered so far
 * (by an INIT, with or without data) plus the largest header, capped by {@code
 * KVStoreServerConfig.maxFrameBytes}; MESSAGE and SET_OPTIMIZER up to {@code maxMessageBytes};
 * anything else a header; PUSH_2BIT a header, the threshold and 2 bits per element of the
 * largest key in whole words. A frame over the limit, a truncated field, a size that disagrees with
 * the shape, or an unknown type is answered with FATAL and closes that connection only.
 *
 * <p>Connections still in the handshake are capped overall and per remote address; one over
 * the cap gets FATAL kind 2 (try again) instead of a CHALLENGE. Handshake (nothing else is
 * accepted before it completes, within the auth timeout):
 *
 * <pre>
 * server: CHALLENGE 0x01  magic:u32 ("KVKN") version:u32 nonce[32]
 * client: AUTH      0x02  magic:u32 version:u32 rank:i32 numWorkers:i32 mode:u8 (0 sync, 1 async)
 *                         mac[32] = HMAC-SHA256(secret, nonce || rank:i32) clientNonce[32]
 * server: AUTH_OK   0x03  numWorkers:i32 mode:u8
 *                         proof[32] = HMAC-SHA256(secret, "KVKN-server" || clientNonce || rank:i32)
 *    or:  FATAL     0x04  kind:u8 (0 protocol, 1 authentication, 2 try again) message:str,
 *                         then close
 * </pre>
 *
 * <p>A rank has one live connection: a login claiming a connected rank gets FATAL kind 2 (the
 * worker retries within its connect timeout; a dead worker's connection is closed after the
 * idle timeout). Rank -1 is the driver's controller ({@link
 * org.kindling.kvstore.KeyServerController}; decision 0040): admitted once in a server's life
 * (a second one gets FATAL kind 1), never a worker of a round or barrier, limited to PULL,
 * STATES, LISTENER, TRAFFIC, BYE and HEARTBEAT (anything else is a protocol error); its connection closing
 * completes {@link org.kindling.kvstore.KVStoreServer#controllerLeft()}.
 *
 * <p>Both sides prove they know the per-job secret without sending it; the worker, too, accepts
 * only frames of at most 1024 bytes until the server's proof checks out.
 *
 * <p>Requests carry a client-chosen id that the reply echoes; one connection may have many
 * requests in flight, and the server handles the requests of a connection in arrival order.
 *
 * <pre>
 * INIT          0x10  id:i64 key:str flags:u8 (bit 0: has data) array [data]
 * PUSH          0x11  id:i64 key:str array data
 * PULL          0x12  id:i64 key:str
 * PUSHPULL      0x13  id:i64 key:str array data
 * SET_OPTIMIZER 0x14  id:i64 spec:str       (Optimizer.spec() text; rank 0's wins)
 * BARRIER       0x15  id:i64
 * MESSAGE       0x16  id:i64 text:str       (to the server's MessageListener)
 * BYE           0x17  id:i64                (the worker leaves on purpose)
 * HEARTBEAT     0x18  id:i64                (answered OK at once by the I/O thread)
 * PUSH_2BIT     0x19  id:i64 key:str threshold:f32 array codes:u8[4*ceil(n/16)]
 *                                           (MXNet's 2-bit codes; answered as PUSH)
 * PULL_F16      0x1A  id:i64 key:str          (as PULL, answered with float16 data)
 * STATES        0x1B  id:i64                  (the controller's: the optimizer states)
 * LISTENER      0x1C  id:i64 rank:i32 inside:u8 (the controller's: rank is in the driver's
 *                                           listener, 1, or left it, 0; round deadlines wait)
 * TRAFFIC       0x1D  id:i64                  (the controller's: the server's counters)
 *
 * OK            0x80  id:i64
 * VALUE         0x81  id:i64 array data     (answers PULL and PUSHPULL)
 * ERROR         0x82  id:i64 message:str    (names the key and, for mismatches, both shapes)
 * STATE_BYTES   0x83  id:i64 present:u8 bytes  (answers STATES: the .states file, if present)
 * TRAFFIC_BYTES 0x84  id:i64 received:i64 sent:i64 requests:i64 depthSum:i64 depthMax:i64
 *                     keys:u32 {key:str pushed pulled updates waitNanos asyncPushes
 *                     stalenessSum stalenessMax: i64 each}  (answers TRAFFIC; keys in name order)
 * </pre>
 *
 * <p>Semantics. INIT: the first INIT registers the shape, the first with data stores the value;
 * later ones only check the shape (a worker sends the shape first, then rank 0 the value). PUSH
 * in sync mode: a round takes one push per rank (a repeat gets ERROR); the first push assigns
 * the key's merge buffer, later ones add, in 64 KiB stripes, a push of 64 KiB or more while it
 * arrives ({@code RoundSum}; per stripe in arrival order, like MXNet's server, so three or more
 * workers' sums may differ in the last bits from run to run); a push whose round failed while
 * it arrived gets ERROR; when all W ranks have pushed the optimizer updates the
 * value from the sum, or the sum is assigned; then all held pushes are answered. In async mode
 * each push is applied at once and an optimizer is required. PULL answers the stored value at
 * once. PUSH_2BIT is a PUSH whose values the server first dequantizes ({@code TwoBitCodec}):
 * {@code +threshold} for code 11, {@code -threshold} for 10, else 0. Float16 data (the fp16
 * transport) is widened to float32 before it is summed; a PUSHPULL of float16 data and a
 * PULL_F16 are answered with the stored value rounded to float16 (nearest even). BARRIER takes
 * one request per rank, is released when all W are in, and can be reused.
 *
 * <p>Shards (decision 0033; {@code KVStoreServerConfig.serverShards}, {@code bigArrayBound}). A
 * key of at least {@code bigArrayBound} elements (MXNet's {@code MXNET_KVSTORE_BIGARRAY_BOUND})
 * is held as S contiguous ranges ({@code ShardLayout}, MXNet's rule), each with its own value,
 * merge buffer and shard optimizer; its update, and the sum of a push buffered whole, run on the
 * S shard threads while the state thread waits ({@code ShardPool}); a streamed push is summed
 * into the ranges' merge buffers as it arrives, by the key's one {@code RoundSum}, whose stripes
 * are cut within each range. A smaller key belongs whole to one shard. The wire does not change:
 * the server cuts each frame into the ranges and assembles replies from them.
 *
 * <p>Key servers (decision 0040; {@code KVStoreClientConfig.keyServers}, {@code bigArrayBound}).
 * A worker may be given S more servers that hold the keys while the server at its {@code
 * host:port} (the driver's) keeps the barrier and the messages. The worker logs in to each with
 * the same secret, rank and W, and splits on its side with MXNet's rule ({@code ShardLayout},
 * {@code EncodeDefaultKey}): a key below the bound goes whole to one server, a bigger one as S
 * 1-D ranges under the key's name, one per server. Every request of a key (INIT, PUSH, PUSH_2BIT,
 * PULL, PULL_F16, PUSHPULL) becomes one frame per range, with the range's elements (2-bit codes
 * packed from the range's first element, against the range's residual), and completes when all
 * ranges are answered; replies are written into their ranges of the outputs. Rank 0 sends
 * SET_OPTIMIZER to every key server. The key servers run unchanged; {@code KeyServerLayout} joins
 * their snapshots and optimizer states into the keys' values and the one {@code .states} file,
 * and cuts that file again for each. The driver reads them over its controller login to each
 * key server ({@code KeyServerController}: a PULL per range, a STATES per server).
 *
 * <p>Faults (decision 0023). When a rank's connection closes, pushes held in a sync round and
 * barrier waiters fail with an ERROR naming the rank, and new ones fail at once until that rank
 * reconnects. A round or barrier that waits {@code roundTimeout} for ranks that are connected
 * but silent fails naming them and the key (a rank whose MESSAGE the driver is handling is
 * busy, not silent). An authenticated connection silent for {@code idleTimeout} is closed; a
 * worker heartbeats, and takes a server silent for its {@code heartbeatTimeout} for dead. An
 * {@link java.lang.Error} on the server's state thread (or a shard thread), or on an I/O thread
 * once the peer is in (summing a push as it arrives, making room for a large frame: decision
 * 0085), fails the server for good: every held and later request gets an ERROR naming it (the
 * connection that met it a FATAL naming it), and the driver's failure listener hears of it at
 * once. An {@code Error} in the login path ends that login only, with FATAL kind 2 (try again).
 */
package org.kindling.kvstore;
