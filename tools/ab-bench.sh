#!/bin/bash
# ab-bench.sh: the λ benchmarks of a change, before and after, in one run
# on one CPU: builds examples/bench.lc, nat10m and tree8m with two lull
# binaries (say a worktree of the base commit and this one, both
# `cargo build --release`) and times the executables alternately.
# Usage: tools/ab-bench.sh OLD_LULL NEW_LULL [RUNS]
set -e
OLD=$1; NEW=$2; N=${3:-10}
cd "$(dirname "$0")/.."
for f in examples/bench.lc benches/lc/nat10m.lc benches/lc/tree8m.lc; do
  b=$(basename $f .lc)
  $OLD build $f -o /tmp/bench_old_$b
  $NEW build $f -o /tmp/bench_new_$b
done
python3 - "$N" <<'PY'
import subprocess, time, sys, statistics
n=int(sys.argv[1])
for b in ["bench","nat10m","tree8m"]:
    res={"old":[], "new":[]}
    for i in range(n):
        for k in (["old","new"] if i%2==0 else ["new","old"]):
            t=time.perf_counter()
            subprocess.run([f"/tmp/bench_{k}_{b}","nf","--discard"],stdout=subprocess.DEVNULL,check=True)
            res[k].append(time.perf_counter()-t)
    o=statistics.median(res["old"]); w=statistics.median(res["new"])
    print(f"{b}: before {o:.3f}s (min {min(res['old']):.3f})  after {w:.3f}s (min {min(res['new']):.3f})  ratio {w/o:.3f}")
PY
