package org.kindling.tensor.dnnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link Call}'s reused memory objects and argument lists ({@link Frame}, decision 0070):
 * distinct memories for every wrap within a call, the same ones pointed at the next call's
 * buffers, nested calls on one thread apart, a buffer's position honoured, results of a real
 * primitive over buffers that change between calls.
 */
class CallFrameTest {
  private Dnnl dnnl;
  private memory.desc md;

  @BeforeEach
  void runtime() {
    dnnl = Dnnl.get();
    assertThat(dnnl).as("oneDNN: %s", Dnnl.unavailableReason()).isNotNull();
    md = DnnlKernel.md(new long[] {1, 16}, memory.format_tag.nc);
  }

  private static ByteBuffer floats(float... v) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * 16).order(ByteOrder.nativeOrder());
    for (float f : v) {
      b.putFloat(f);
    }
    return b.clear();
  }

  private static long handle(memory m) {
    Pointer p = m.get_data_handle();
    return p.address() + p.position();
  }

  @Test
  void wrapsInOneCallAreDistinctAndReusedByTheNext() {
    ByteBuffer a = floats();
    ByteBuffer b = floats();
    memory first;
    memory second;
    try (Call c = new Call(dnnl, a, 1)) {
      first = c.wrap(md, a);
      second = c.wrap(md, b);
      assertThat(second).isNotSameAs(first);
      assertThat(handle(first)).isEqualTo(new Pointer(a).address());
      assertThat(handle(second)).isEqualTo(new Pointer(b).address());
    }
    try (Call c = new Call(dnnl, a, 1)) {
      memory again = c.wrap(md, b);
      assertThat(again).isSameAs(first);
      assertThat(handle(again)).isEqualTo(new Pointer(b).address());
    }
  }

  @Test
  void nestedCallsUseTheirOwnMemories() {
    ByteBuffer a = floats();
    ByteBuffer b = floats();
    try (Call outer = new Call(dnnl, a, 1)) {
      memory m = outer.wrap(md, a);
      Args args = outer.args().put(DNNL_ARG_SRC, m);
      try (Call inner = new Call(dnnl, a, 1)) {
        assertThat(inner.wrap(md, b)).isNotSameAs(m);
        assertThat(inner.args()).isNotSameAs(args);
      }
      assertThat(handle(m)).isEqualTo(new Pointer(a).address());
      assertThat(args.count()).isEqualTo(1);
    }
  }

  @Test
  void callsClosedOutOfOrderFail() {
    ByteBuffer a = floats();
    Call outer = new Call(dnnl, a, 1);
    Call inner = new Call(dnnl, a, 1);
    assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of order");
    inner.close();
    outer.close();
  }

  @Test
  void aBuffersPositionIsWhereTheMemoryPoints() {
    ByteBuffer a = floats().position(12);
    try (Call c = new Call(dnnl, a, 1)) {
      Pointer p = new Pointer(a);
      assertThat(handle(c.wrap(md, a))).isEqualTo(p.address() + p.position());
      assertThat(BufferAddress.of(a)).isEqualTo(p.address() + 12);
    }
  }

  @Test
  void aSlotBeyondTheWorkspaceNamesTheBytes() {
    ByteBuffer ws = ByteBuffer.allocateDirect(100).order(ByteOrder.nativeOrder());
    try (Call c = new Call(dnnl, ws, 1)) {
      assertThatThrownBy(() -> c.slot(md, 64)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("needs 128 workspace bytes but got 100");
    }
  }

  @Test
  void theSameKindPutTwiceKeepsTheLast() {
    ByteBuffer a = floats();
    try (Call c = new Call(dnnl, a, 1)) {
      memory m1 = c.wrap(md, a);
      memory m2 = c.wrap(md, a);
      Args args = c.args().put(DNNL_ARG_SRC, m1).put(DNNL_ARG_SRC, m2);
      assertThat(args.count()).isEqualTo(1);
      assertThat(args.toNative().memory().address()).isEqualTo(m2.get().address());
    }
  }

  @Test
  void aPrimitiveReadsAndWritesEachCallsBuffers() {
    var pd = new eltwise_forward.primitive_desc(dnnl.engine, prop_kind.forward_inference,
        algorithm.eltwise_relu, md, md, 0f, 0f, DnnlKernel.userScratchpad(), false);
    primitive relu = new eltwise_forward(pd);
    ByteBuffer ws = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    for (int call = 0; call < 3; call++) {
      ByteBuffer in = floats(-1f, 2f * call + 1, -3f, 4f);
      ByteBuffer out = floats();
      try (Call c = new Call(dnnl, ws, 1)) {
        c.run(relu, c.args().put(DNNL_ARG_SRC, c.wrap(md, in)).put(DNNL_ARG_DST,
            c.slot(md, 0)), null);
        // the slot's result into out, through the same descriptor's second memory of the call
        c.run(relu, c.args().put(DNNL_ARG_SRC, c.slot(md, 0)).put(DNNL_ARG_DST,
            c.wrap(md, out)), null);
      }
      assertThat(out.getFloat(0)).isEqualTo(0f);
      assertThat(out.getFloat(4)).isEqualTo(2f * call + 1);
      assertThat(out.getFloat(8)).isEqualTo(0f);
      assertThat(out.getFloat(12)).isEqualTo(4f);
    }
  }
}
