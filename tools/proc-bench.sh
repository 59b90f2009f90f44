#!/bin/bash
# proc-bench.sh: the procs benchmarks of benches/procs (a ring of procs
# passing a counter, and spawning many short procs) with one lull, against
# Erlang (erl) and GHC (forkIO and MVars, ghc -O2) when they are installed,
# in one run on one CPU. Prints the best of RUNS wall-clock times and the
# figure per hop or per spawn, with the start-up of each peer (its run of
# the smallest case) taken off.
# Usage: tools/proc-bench.sh LULL [RUNS]
set -e
LULL=$(realpath "$1"); N=${2:-3}
cd "$(dirname "$0")/.."
export LULL_CACHE_DIR=${LULL_CACHE_DIR:-target/lull-cache}
W=$(mktemp -d)
cp benches/procs/* "$W"
cd "$W"
$LULL build ring.lull -o ring >/dev/null
$LULL build spawn.lull -o spawn >/dev/null
PEERS="lull"
if command -v erlc >/dev/null; then erlc ring.erl spawn.erl; PEERS="$PEERS erl"; fi
if command -v ghc >/dev/null; then
  ghc -O2 -v0 -threaded Ring.hs -o Ring -outputdir ghc-ring && ghc -O2 -v0 Spawn.hs -o Spawn -outputdir ghc-spawn
  PEERS="$PEERS ghc"
fi
python3 - "$N" $PEERS <<'PY'
import subprocess, sys, time
n, peers = int(sys.argv[1]), sys.argv[2:]
def cmd(peer, prog, args):
    if peer == "lull": return [f"./{prog}", *args]
    if peer == "erl": return ["erl", "-noshell", "-s", prog, "main", *args]
    return [f"./{prog.capitalize()}", *args]
def best(c):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); subprocess.run(c, check=True, stdout=subprocess.DEVNULL); ts.append(time.perf_counter() - t)
    return min(ts)
cases = [("ring", ["1000", "1000"], 1000 * 1000, "hop"), ("ring", ["5000", "200"], 5000 * 200, "hop"),
         ("spawn", ["100000"], 100000, "spawn")]
for peer in peers:
    base = {"ring": best(cmd(peer, "ring", ["1", "1"])), "spawn": best(cmd(peer, "spawn", ["1"]))}
    for prog, args, k, unit in cases:
        t = best(cmd(peer, prog, args))
        print(f"{peer:5} {prog} {' '.join(args):10} {t:8.3f} s  {(t - base[prog]) / k * 1e6:8.3f} us/{unit}")
PY
rm -rf "$W"
