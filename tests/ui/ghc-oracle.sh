#!/bin/sh
# Produces the expected output of `run/` and `run-fail/` cases with GHC,
# the oracle for what Lull programs print (LANGUAGE.md 1):
#
#   tests/ui/ghc-oracle.sh run/foo.lull [run-fail/bar.lull ...]
#
# Each case is compiled by `ghc -O0` as an executable named after the case
# (so that `getProgName` and the `PROG: ` of error messages agree with
# `lull run`), run with `<case>.stdin` as its input when there is one and
# with the program arguments that follow `--` in its `ui-cmd:` directive,
# from a directory holding `<mode>/` with the case and its auxiliary files
# (`<stem>.*.*`), as the UI harness runs it.
# Its stdout becomes `<case>.stdout`. For `run/` the exit status must be 0,
# or the one of a `ui-exit:` directive; for `run-fail/` it is printed, and
# the stderr (GHC's, with its CallStack lines, which Lull does not print)
# is shown for comparison, not written: `cargo xtask ui --bless` writes
# Lull's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for case in "$@"; do
  case=${case#tests/ui/}
  src="$here/$case"
  stem=${case%.lull}
  name=$(basename "$stem")
  mkdir -p "$tmp/$name"
  cp "$src" "$tmp/$name/Main.hs"
  if ! ghc -O0 -v0 -outputdir "$tmp/$name" -o "$tmp/$name/$name" "$tmp/$name/Main.hs"; then
    echo "$case: GHC rejects it" >&2
    exit 1
  fi
  args=$(sed -n 's/.*ui-cmd:.* -- \(.*\)$/\1/p' "$src" | sed 's/ *-}$//' | head -n 1)
  input=/dev/null
  [ -f "$here/$stem.stdin" ] && input="$here/$stem.stdin"
  want=$(sed -n 's/.*ui-exit: *\([0-9]*\).*/\1/p' "$src" | head -n 1)
  status=0
  # shellcheck disable=SC2086 # the arguments are words
  mode=$(dirname "$case")
  mkdir -p "$tmp/$name/work/$mode"
  cp "$src" "$tmp/$name/work/$mode/"
  for aux in "$here/$stem".*.*; do
    [ -f "$aux" ] && cp "$aux" "$tmp/$name/work/$mode/"
  done
  (cd "$tmp/$name/work" && "../$name" $args) <"$input" >"$here/$stem.stdout" 2>"$tmp/$name/stderr" || status=$?
  [ -s "$here/$stem.stdout" ] || rm -f "$here/$stem.stdout"
  case "$case" in
    run-fail/*)
      echo "$case: exit $status; GHC's stderr:"
      sed 's/^/  | /' "$tmp/$name/stderr"
      ;;
    *)
      if [ "$status" != "${want:-0}" ]; then
        echo "$case: GHC's program exited with $status, not ${want:-0}:" >&2
        cat "$tmp/$name/stderr" >&2
        exit 1
      fi
      echo "$case: ok"
      ;;
  esac
done
