package org.kindling.tensor.op;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every operator and kernel on the class path: operators are {@link OpDef} services or members of
 * {@link OpFamily} services, extra backends {@link KernelProvider} services (all registered by
 * {@code @AutoService}, so adding an operator is writing its class or its family's table row).
 * Resolves names and aliases read from files, and chooses a
 * kernel for an operator instance and its tensors.
 */
public final class OpRegistry {
  private static volatile Tables tables;

  private OpRegistry() {}

  private record Tables(Map<String, OpDef<?>> byName, List<OpDef<?>> all,
      Map<OpDef<?>, List<KernelFactory<?>>> extra) {}

  private static Tables tables() {
    Tables t = tables;
    if (t == null) {
      synchronized (OpRegistry.class) {
        t = tables;
        if (t == null) {
          t = load();
          tables = t;
        }
      }
    }
    return t;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Tables load() {
    ClassLoader cl = OpRegistry.class.getClassLoader();
    List<OpDef<?>> found = new ArrayList<>();
    ServiceLoader.load(OpDef.class, cl).forEach(found::add);
    for (OpFamily family : ServiceLoader.load(OpFamily.class, cl)) {
      found.addAll(family.members());
    }
    Map<String, OpDef<?>> canonical = new TreeMap<>();
    for (OpDef<?> op : found) {
      OpDef<?> prev = canonical.putIfAbsent(op.name(), op);
      if (prev != null && !prev.equals(op)) {
        throw new IllegalStateException("operator name '" + op.name() + "' is registered by both "
            + prev.getClass().getName() + " and " + op.getClass().getName());
      }
    }
    Map<String, OpDef<?>> byName = new LinkedHashMap<>(canonical);
    for (OpDef<?> op : canonical.values()) {
      for (String alias : op.aliases()) {
        OpDef<?> prev = byName.putIfAbsent(alias, op);
        if (prev != null && !prev.equals(op)) {
          throw new IllegalStateException("operator name '" + alias + "' is registered by both "
              + prev + " and " + op);
        }
      }
    }
    Map<OpDef<?>, List<KernelFactory<?>>> extra = new HashMap<>();
    for (KernelProvider p : ServiceLoader.load(KernelProvider.class, cl)) {
      for (KernelProvider.Registration<?> r : p.registrations()) {
        extra.computeIfAbsent(r.op(), k -> new ArrayList<>()).add((KernelFactory) r.factory());
      }
    }
    return new Tables(Collections.unmodifiableMap(byName),
        List.copyOf(canonical.values()), extra);
  }

  /** The operator registered under {@code nameOrAlias}, if any. */
  public static Optional<OpDef<?>> find(String nameOrAlias) {
    return Optional.ofNullable(tables().byName().get(nameOrAlias));
  }

  /**
   * The operator registered under {@code nameOrAlias}.
   *
   * @throws IllegalArgumentException naming the unknown operator
   */
  public static OpDef<?> get(String nameOrAlias) {
    return find(nameOrAlias).orElseThrow(() -> new IllegalArgumentException(
        "unknown operator '" + nameOrAlias + "' (" + tables().all().size()
            + " operators are registered; see `kindling ops` or OpRegistry.all())"));
  }

  /** Every operator, sorted by canonical name. */
  public static List<OpDef<?>> all() {
    return tables().all();
  }

  /** Every registered name, canonical and aliases. */
  public static List<String> names() {
    return List.copyOf(tables().byName().keySet());
  }

  /**
   * Every kernel factory of {@code op}: its own, then those of other backends, highest priority
   * first (ties keep that order).
   */
  @SuppressWarnings("unchecked")
  public static <P extends Record> List<KernelFactory<P>> factories(OpDef<P> op) {
    List<KernelFactory<P>> all = new ArrayList<>(op.kernels());
    for (KernelFactory<?> f : tables().extra().getOrDefault(op, List.of())) {
      all.add((KernelFactory<P>) f);
    }
    all.sort(Comparator.comparingInt((KernelFactory<P> f) -> f.priority()).reversed());
    return all;
  }

  /**
   * The kernel for {@code params} on tensors of {@code signature}: that of the highest-priority
   * factory that accepts them (MXNet picks {@code FComputeEx} over {@code FCompute} the same way).
   *
   * @throws IllegalArgumentException naming the operator and signature if no kernel accepts them
   *     (for example an unsupported dtype)
   */
  public static <P extends Record> Kernel select(OpDef<P> op, P params, KernelSignature signature) {
    for (KernelFactory<P> f : factories(op)) {
      Kernel k = f.create(params, signature);
      if (k != null) {
        return k;
      }
    }
    throw new IllegalArgumentException(op.name() + " has no kernel for " + signature
        + " (most kernels compute float32 only; cast other types with Cast/astype first)");
  }
}
