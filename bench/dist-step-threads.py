#!/usr/bin/env python3
"""CPU time and voluntary context switches per thread name of a DistStepMain run (issue 10).

Usage: bench/dist-step-threads.py LOG PID OUT -- PID is the DistStepMain JVM writing LOG (stdout and
stderr); it and its local-cluster executor children are sampled every 0.25 s, and OUT gets the
differences from 0.5 s after the "epoch E-1/E done" line to 1 s before the "epoch E/E done" line
(the last epoch, the one DistStepMain times)
(so that threads ending with the job are still alive), per process and thread name, in ms
of CPU (10 ms ticks), switches and, in a last column, the CPU's kernel part (stime). Divide by
the steps in the window (steps x window / epoch time, both printed in OUT's first line)."""
import collections
import os
import re
import sys
import time

log, root, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
HZ = os.sysconf('SC_CLK_TCK')
def children(pid):
    res = []
    try:
        for t in os.listdir(f'/proc/{pid}/task'):
            try:
                with open(f'/proc/{pid}/task/{t}/children') as f:
                    res += [int(x) for x in f.read().split()]
            except OSError: pass
    except OSError: pass
    return res
def procs():
    seen, stack = [], [root]
    while stack:
        p = stack.pop(); seen.append(p); stack += children(p)
    return seen
def role(pid):
    try: cmd = open(f'/proc/{pid}/cmdline').read()
    except OSError: return None
    if 'CoarseGrainedExecutorBackend' in cmd:
        m = re.search(r'--executor-id\x00(\d+)', cmd); return 'exec' + (m.group(1) if m else '?')
    if 'DistStepMain' in cmd: return 'driver'
    return None
def ticks(path):
    st = open(path).read()
    name = st[st.index('(')+1:st.rindex(')')]
    f = st[st.rindex(')')+2:].split()
    return name, (int(f[11]) + int(f[12])) * 1000.0 / HZ, int(f[12]) * 1000.0 / HZ
def snap():
    d = collections.Counter()
    for p in procs():
        r = role(p)
        if not r: continue
        try:
            _, tot, sys_ = ticks(f'/proc/{p}/stat'); d[(r, '(process)', 'cpu')] += tot
            d[(r, '(process)', 'sys')] += sys_
            tids = os.listdir(f'/proc/{p}/task')
        except OSError: continue
        for t in tids:
            try:
                name, cpu, sys_ = ticks(f'/proc/{p}/task/{t}/stat')
                vcs = 0
                for line in open(f'/proc/{p}/task/{t}/status'):
                    if line.startswith('voluntary_ctxt_switches'): vcs = int(line.split()[1])
            except (OSError, ValueError): continue
            name = re.sub(r'\d+', '#', name)
            d[(r, name, 'cpu')] += cpu; d[(r, name, 'vcs')] += vcs; d[(r, name, 'sys')] += sys_
    return d
snaps = []
pos = 0; t1 = None; t2 = None
while True:
    try:
        with open(log) as f:
            f.seek(pos); txt = f.read(); pos += len(txt)
    except OSError: txt = ''
    now = time.time()
    for m in re.finditer(r'epoch (\d+)/(\d+) done', txt):
        if int(m.group(1)) == int(m.group(2)) - 1: t1 = now
        if m.group(1) == m.group(2): t2 = now
    if t2: break
    if not os.path.exists(f'/proc/{root}'): break
    if t1: snaps.append((now, snap()))
    time.sleep(0.25)
a = next(s for s in snaps if s[0] >= t1 + 0.5)
b = [s for s in snaps if s[0] <= t2 - 1.0][-1]
rows = collections.defaultdict(dict)
for k in b[1]:
    rows[(k[0], k[1])][k[2]] = b[1][k] - a[1].get(k, 0)
with open(out, 'w') as o:
    o.write(f"window {b[0]-a[0]:.2f} s of the last epoch ({t2-t1:.2f} s)\n")
    for (r, n), v in sorted(rows.items(), key=lambda x: (x[0][0], -x[1].get('cpu', 0))):
        if v.get('cpu', 0) > 0:
            o.write(f"{r}\t{n}\t{v.get('cpu',0):.0f}\t{v.get('vcs',0)}\t{v.get('sys',0):.0f}\n")
