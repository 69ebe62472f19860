#!/usr/bin/env python3
"""Estimates the wall time of bench/run-score over issue 8's grid on a quiet 2-core machine.

Quiet images/s at batches 1, 8, 64 (docs/benchmarks.md: Kindling auto, MXNet and PyTorch from the
2026-12-04 quiet grid, Kindling off from the 2026-12-02 16:33Z grid), log-linear in between and
flat above 64; per cell a fixed cost to bind, per JVM a start. Prints the default settings and
the two-run proposal of bench/README.md ("Issue 8's full grid").
"""
import math

QUIET = {
    'alexnet':      {'kindling': (71.1, 157.3, 222.1), 'mxnet': (75.1, 128.5, 166.2), 'pytorch': (41.9, 80.3, 56.6), 'kindling-off': (12.3, 20.6, 23.8)},
    'vgg11':        {'kindling': (17.2, 30.9, 38.4), 'mxnet': (16.5, 20.6, 22.9), 'pytorch': (11.7, 10.2, 7.2), 'kindling-off': (2.6, 4.1, 4.3)},
    'vgg16':        {'kindling': (10.4, 16.7, 18.3), 'mxnet': (9.5, 11.3, 11.9), 'pytorch': (7.8, 5.5, 4.4), 'kindling-off': (1.7, 2.0, 2.1)},
    'resnet18':     {'kindling': (62.9, 72.1, 93.6), 'mxnet': (51.3, 75.4, 85.9), 'pytorch': (29.9, 48.7, 33.6), 'kindling-off': (10.9, 13.4, 13.8)},
    'resnet50':     {'kindling': (25.7, 33.2, 37.4), 'mxnet': (19.2, 31.1, 32.1), 'pytorch': (11.9, 14.3, 6.0), 'kindling-off': (5.9, 6.5, 6.6)},
    'inception-bn': {'kindling': (48.5, 81.4, 84.4), 'mxnet': (29.3, 62.7, 72.3), 'pytorch': (14.3, 29.3, 27.3), 'kindling-off': (9.7, 11.1, 11.3)},
    'mobilenet':    {'kindling': (163.4, 224.8, 225.0), 'mxnet': (70.7, 137.7, 142.8), 'pytorch': (31.0, 65.3, 34.8), 'kindling-off': (15.9, 18.5, 17.8)},
}
FRAMEWORKS = ['kindling', 'kindling-off', 'mxnet', 'pytorch']
CELL = {'kindling': 2.0, 'kindling-off': 1.0, 'mxnet': 1.0, 'pytorch': 1.0}  # s to bind a cell
JVM = 8.0  # s to start a worker


def images_per_second(t, b):
    lo, mid, hi = t
    if b <= 1:
        return lo
    if b <= 8:
        f = math.log(b) / math.log(8)
        return math.exp(math.log(lo) + (math.log(mid) - math.log(lo)) * f)
    if b <= 64:
        f = math.log(b / 8) / math.log(8)
        return math.exp(math.log(mid) + (math.log(hi) - math.log(mid)) * f)
    return hi


def minutes(runs, frameworks=FRAMEWORKS):
    """runs: (batches, warmup, warmup seconds, iterations, timed seconds, max seconds) per
    bench/run-score run."""
    per = {f: 0.0 for f in frameworks}
    for rates in QUIET.values():
        for f in frameworks:
            for batches, warmup, wsec, iters, tsec, max_sec in runs:
                t = JVM
                for b in batches:
                    p = b / images_per_second(rates[f], b)
                    t += CELL[f] + max(warmup * p, wsec) + max(iters * p, tsec)
                    if p > max_sec:
                        break  # the worker's --max-seconds rule
                per[f] += t
    return {f: v / 60 for f, v in per.items()}


def show(name, runs):
    m = minutes(runs)
    print('%s: %.0f min (%s)' % (name, sum(m.values()), ', '.join('%s %.0f' % kv for kv in m.items())))


ALL = [1, 2, 4, 8, 16, 32, 64, 128, 256]
show('defaults (5, 10 s, 10, 5 s, 60 s)', [(ALL, 5, 10, 10, 5, 60)])
show('proposal', [([1, 2, 4, 8, 16], 2, 5, 5, 5, 150), ([32, 64, 128, 256], 1, 5, 3, 0, 150)])
show('one run, four columns', [([1, 2, 4, 8, 16], 2, 5, 5, 5, 150),
                               ([32, 64, 128, 256], 1, 0, 1, 0, 400)])
