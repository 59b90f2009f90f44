#!/bin/bash
# link-bench.sh: the Lull benchmark programs linked against the library
# crate (the default) and compiled whole (--whole), with one lull, in one
# run on one CPU: build time, executable size, and run time (alternating).
# Usage: tools/link-bench.sh LULL [RUNS]
set -e
LULL=$1; N=${2:-5}
cd "$(dirname "$0")/.."
export LULL_CACHE_DIR=${LULL_CACHE_DIR:-target/lull-cache}
$LULL build benches/lull/tak.lull -o /tmp/link_warm >/dev/null  # the library crate, once
python3 - "$LULL" "$N" <<'PY'
import os, subprocess, time, sys, statistics
lull, n = sys.argv[1], int(sys.argv[2])
progs = {"queens": "14200", "primes": "27457", "nfib": "48315633", "tak": "11"}
for p in progs:
    build = {}
    for k, flags in (("linked", []), ("whole", ["--whole"])):
        t = time.perf_counter()
        subprocess.run([lull, "build", *flags, f"benches/lull/{p}.lull", "-o", f"/tmp/link_{k}_{p}"], check=True)
        build[k] = time.perf_counter() - t
    res = {"linked": [], "whole": []}
    for i in range(n):
        for k in (["linked", "whole"] if i % 2 == 0 else ["whole", "linked"]):
            t = time.perf_counter()
            out = subprocess.run([f"/tmp/link_{k}_{p}"], stdout=subprocess.PIPE, check=True).stdout.decode().strip()
            res[k].append(time.perf_counter() - t)
            assert out.endswith(progs[p]), (p, out)
    l, w = statistics.median(res["linked"]), statistics.median(res["whole"])
    size = {k: os.path.getsize(f"/tmp/link_{k}_{p}") // 1024 for k in res}
    print(f"{p}: run linked {l:.3f}s whole {w:.3f}s ratio {l/w:.3f}; "
          f"build linked {build['linked']:.2f}s whole {build['whole']:.2f}s; "
          f"size linked {size['linked']} KB whole {size['whole']} KB")
PY
