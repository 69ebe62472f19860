package org.kindling.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Owns the arrays made on this thread while it is open, as DJL's {@code NDManager}/{@code NDScope}:
 * closing the scope closes them, so their memory returns to the pool at once. Arrays to keep are
 * {@link #detach}ed (or {@link #keep}-and-returned). Scopes nest; an array belongs to the innermost
 * open scope of the thread that made it.
 *
 * <pre>{@code
 * try (NDScope scope = NDScope.open()) {
 *   NDArray h = Linalg.dot(x, w);           // closed with the scope
 *   return scope.keep(Elementwise.relu(h)); // survives it
 * }
 * }</pre>
 */
public final class NDScope implements AutoCloseable {
  private static final ThreadLocal<Deque<NDScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

  private final List<NDArray> owned = new ArrayList<>();
  private final Set<NDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Thread thread = Thread.currentThread();
  private boolean closed;

  private NDScope() {}

  /** Opens a scope on the current thread. */
  public static NDScope open() {
    NDScope s = new NDScope();
    OPEN.get().push(s);
    return s;
  }

  /** Called by every new NDArray: the innermost open scope of this thread takes it. */
  static void register(NDArray a) {
    NDScope s = OPEN.get().peek();
    if (s != null) {
      s.owned.add(a);
    }
  }

  /**
   * Takes {@code a} out of every scope open on this thread: for arrays that an object with a
   * lifetime of its own (an executor, a module) owns and closes itself.
   */
  public static NDArray unscoped(NDArray a) {
    for (NDScope s : OPEN.get()) {
      s.kept.add(a);
    }
    return a;
  }

  /** Takes {@code a} out of this scope (it stays open after the scope closes) and returns it. */
  public NDArray keep(NDArray a) {
    kept.add(a);
    return a;
  }

  /** Same as {@link #keep}, for several arrays. */
  public void detach(NDArray... arrays) {
    for (NDArray a : arrays) {
      kept.add(a);
    }
  }

  /** Number of arrays this scope will close. */
  public int size() {
    return owned.size() - kept.size();
  }

  /**
   * Closes every array made in this scope that was not kept.
   *
   * @throws IllegalStateException if called on another thread or out of nesting order
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("an NDScope must be closed by the thread that opened it");
    }
    Deque<NDScope> stack = OPEN.get();
    if (stack.peek() != this) {
      throw new IllegalStateException("NDScopes must be closed in reverse order of opening");
    }
    stack.pop();
    closed = true;
    for (NDArray a : owned) {
      if (!kept.contains(a)) {
        a.close();
      }
    }
    owned.clear();
  }
}
