#!/usr/bin/env python3
"""Per-layer oneDNN times of Kindling against MXNet from verbose logs of whole passes.

Reads the standard output + error of `PassCost` runs made with oneDNN's verbose timestamps:
Kindling's with `ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1`, MXNet 1.9.1's (its own oneDNN 2.x)
with `DNNL_VERBOSE=1 DNNL_VERBOSE_TIMESTAMP=1`. Each log is split into passes at the reorder of
the input image (a `reorder` whose problem is `1x3x...` or `Nx3x...`, the first call of a
pass in both frameworks; or a BatchNorm over the image, ResNet's `bn_data`, with the reorder
after it in the same pass); the first `--skip` passes of each log and its last (possibly cut)
pass are left out, and so is every pass whose call count differs from the log's usual one.

Layers of the two frameworks are matched by primitive kind (`pooling_v2` counts as `pooling`)
and oneDNN's problem string (`mb1_ic64oc64_ih224...`), numbered in pass order where a shape
repeats, so MXNet's separate ReLU calls (`eltwise`), which Kindling runs as post-ops, show as
rows of their own. Per layer: the minimum and the median of its call time over all passes of
all logs of that framework (ms, oneDNN's own time of the primitive), and Kindling's minimum over
MXNet's. On a loaded machine the minimum over many passes approaches the layer's time on free
cores; the medians say how much load there was. Below the table: the sums of the per-layer
minima and, per pass, the sum of the gaps between one call's end and the next call's start
(minimum and median over passes): the time a pass spends outside oneDNN between calls,
verbose printing included for both.

Usage: dnnl-verbose-layers.py [--skip N] KINDLING_LOG[,KINDLING_LOG...] MXNET_LOG[,MXNET_LOG...]
"""
import argparse
import re
import statistics
import sys

# the image: a reorder's or an eltwise's dims, or a BatchNorm's problem (ResNet's bn_data)
_INPUT = re.compile(r"^(\d+x3x\d+x\d+|mb\d+ic3ih\d+iw\d+)$")


def _calls(path):
    """(start ms, kind, implementation, problem, time ms) of each executed primitive."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("onednn_verbose,v1,") and ",primitive,exec," in line:
                fields = line.rstrip("\n").split(",")
                start, kind, impl = fields[2], fields[6], fields[7]
            elif line.startswith("dnnl_verbose,") and ",exec," in line:
                fields = line.rstrip("\n").split(",")
                start, kind, impl = fields[1], fields[4], fields[5]
            else:
                continue
            try:
                out.append((float(start), kind.replace("pooling_v2", "pooling"), impl,
                            fields[-2], float(fields[-1])))
            except ValueError:
                continue  # a line cut by another thread's output
    return out


def _passes(path, skip):
    passes = []
    on_input = False  # the previous call read the image too: the same pass
    for call in _calls(path):
        reads_input = call[1] in ("reorder", "batch_normalization") and bool(_INPUT.match(call[3]))
        if reads_input and not on_input:
            passes.append([])
        on_input = reads_input
        if passes:
            passes[-1].append(call)
    passes = passes[skip:-1]
    if not passes:
        return []
    usual = statistics.mode(len(p) for p in passes)
    return [p for p in passes if len(p) == usual]


def collect(paths, skip):
    """Per layer key, its call times; the keys in pass order; per pass the sum of its gaps."""
    times, order, gaps, impls = {}, [], [], {}
    for path in paths:
        for p in _passes(path, skip):
            gaps.append(sum(p[i][0] - (p[i - 1][0] + p[i - 1][4]) for i in range(1, len(p))))
            seen = {}
            for start, kind, impl, problem, ms in p:
                n = seen.get((kind, problem), 0) + 1
                seen[(kind, problem)] = n
                key = (kind, problem, n)
                if key not in times:
                    times[key] = []
                    order.append(key)
                    impls[key] = impl
                times[key].append(ms)
    return times, order, gaps, impls


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip", type=int, default=3, help="passes left out at each log's start")
    ap.add_argument("kindling", help="comma-separated Kindling logs")
    ap.add_argument("mxnet", help="comma-separated MXNet logs")
    a = ap.parse_args(argv)
    k_times, k_order, k_gaps, k_impl = collect(a.kindling.split(","), a.skip)
    m_times, m_order, m_gaps, m_impl = collect(a.mxnet.split(","), a.skip)
    if not k_gaps or not m_gaps:
        sys.exit("no whole passes found in " + (a.kindling if not k_gaps else a.mxnet))
    print("passes: Kindling %d, MXNet %d" % (len(k_gaps), len(m_gaps)))
    print()
    print("| layer | Kindling impl | Kindling min / median | MXNet min / median | min ratio |")
    print("|---|---|---:|---:|---:|")
    order = m_order + [k for k in k_order if k not in m_times]
    k_sum = m_sum = 0.0
    for key in order:
        kind, problem, n = key
        k = k_times.get(key)
        m = m_times.get(key)
        k_sum += min(k) if k else 0
        m_sum += min(m) if m else 0
        label = "%s %s%s" % (kind, problem, "" if n == 1 else " #%d" % n)
        print("| %s | %s | %s | %s | %s |" % (
            label, k_impl.get(key, "—"),
            "%.2f / %.2f" % (min(k), statistics.median(k)) if k else "—",
            "%.2f / %.2f" % (min(m), statistics.median(m)) if m else "—",
            "%.2f" % (min(k) / min(m)) if k and m else ""))
    print()
    print("sum of per-layer minima: Kindling %.2f ms, MXNet %.2f ms" % (k_sum, m_sum))
    print("gaps between calls per pass, min / median: Kindling %.2f / %.2f ms, MXNet %.2f / %.2f ms"
          % (min(k_gaps), statistics.median(k_gaps), min(m_gaps), statistics.median(m_gaps)))


if __name__ == "__main__":
    main(sys.argv[1:])
