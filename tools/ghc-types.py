#!/usr/bin/env python3
"""Regenerate the GHC-derived expectations of tests/programs/ (offline only).

For each program tests/programs/NAME.lull this script, using GHC (which CI
never has; Debian 12: `apt-get install -y ghc`, GHC 9.0.2):

  1. copies it to a scratch NAME.hs and compiles it with `ghc -O0`;
  2. runs the binary (feeding NAME.stdin when present) and writes its
     standard output to NAME.stdout; a non-zero exit is an error;
  3. asks GHC for the types of the top-level bindings (`-ddump-types`),
     converts them to Lull types (see convert_type below and
     tests/programs/README.md) and writes NAME.types, one `name :: type` line
     per top-level binding in source order;
  4. checks, with `-ddump-minimal-imports`, that every library name the
     program uses is one that frontend/lib/*.lull declares for that module
     (so the program stays inside LANGUAGE.md 1.5).

Usage:
  tools/ghc-types.py                 regenerate every program's files
  tools/ghc-types.py nqueens life    only these programs
  tools/ghc-types.py --check         regenerate into memory and compare with
                                     the committed files; exit 1 on drift
  tools/ghc-types.py --convert 'forall a. Num a => a -> a'
                                     just convert one GHC type (prints `Int -> Int`)

Exit status: 0 when all is well, 1 on any error or (with --check) drift.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
LIB = os.path.join(ROOT, "frontend", "lib")

# ---------------------------------------------------------------------------
# Types: a tiny parser and printer for the types GHC prints.

# A type is one of:
#   ("var", name)
#   ("con", name, [args])          Int, Maybe a, Either String Int, IO ()
#   ("app", head_type, [args])     t a, where the head is a variable
#   ("fun", arg, result)
#   ("list", elem)
#   ("tuple", [elems])             two or more; () is ("con", "()", [])

TOKEN = re.compile(r"\s*(->|=>|::|[()\[\],.]|[A-Za-z_][A-Za-z0-9_']*(?:\.[A-Za-z_][A-Za-z0-9_']*)*)")


def tokenize(s):
    toks, pos = [], 0
    s = s.rstrip()
    while pos < len(s):
        m = TOKEN.match(s, pos)
        if not m:
            raise ValueError("cannot tokenize type at %r" % s[pos:])
        toks.append(m.group(1))
        pos = m.end()
    return toks


class Parser:
    def __init__(self, toks):
        self.toks, self.i = toks, 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected=None):
        t = self.peek()
        if expected is not None and t != expected:
            raise ValueError("expected %r, got %r in %r" % (expected, t, self.toks))
        self.i += 1
        return t

    def fun(self):
        a = self.app()
        if self.peek() == "->":
            self.take()
            return ("fun", a, self.fun())
        return a

    def app(self):
        head = self.atom()
        args = []
        while self.peek() is not None and self.peek() not in ("->", ")", "]", ",", "=>"):
            args.append(self.atom())
        if not args:
            return head
        if head[0] == "con" and not head[2]:
            return ("con", head[1], args)
        if head[0] == "var":
            return ("app", head, args)
        raise ValueError("unexpected application of %r" % (head,))

    def atom(self):
        t = self.take()
        if t == "(":
            if self.peek() == ")":
                self.take()
                return ("con", "()", [])
            items = [self.fun()]
            while self.peek() == ",":
                self.take()
                items.append(self.fun())
            self.take(")")
            return items[0] if len(items) == 1 else ("tuple", items)
        if t == "[":
            e = self.fun()
            self.take("]")
            return ("list", e)
        if t[0].islower() or t[0] == "_":
            return ("var", t)
        return ("con", t, [])


def split_context(s):
    """'forall a b. (Eq a, Num b) => T' -> ([(class, type)], 'T')."""
    s = s.strip()
    if s.startswith("forall "):
        s = s[s.index(".") + 1:].strip()
    ctx = []
    # Find a top-level '=>'.
    depth, idx = 0, -1
    for k in range(len(s) - 1):
        c = s[k]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "=" and s[k + 1] == ">" and depth == 0:
            idx = k
            break
    if idx >= 0:
        c = s[:idx].strip()
        s = s[idx + 2:].strip()
        if c.startswith("(") and c.endswith(")"):
            c = c[1:-1]
        for part in c.split(","):
            words = part.split()
            if words:
                ctx.append((words[0], " ".join(words[1:])))
    return ctx, s


INT_CLASSES = {"Num", "Integral", "Real", "Enum", "Bounded", "Read"}
DOUBLE_CLASSES = {"Fractional", "Floating", "RealFrac", "RealFloat"}
FREE_CLASSES = {"Eq", "Ord", "Show"}
LIST_CLASSES = {"Foldable", "Traversable"}
IO_CLASSES = {"Monad", "Applicative", "Functor"}


def convert_type(ghc_type, warnings=None):
    """Convert GHC's type to Lull's, as a string. See README for the rules."""
    if warnings is None:
        warnings = []
    ctx, body = split_context(ghc_type)
    classes = {}
    for cls, arg in ctx:
        arg = arg.strip()
        if not re.fullmatch(r"[a-z_][A-Za-z0-9_']*", arg):
            raise ValueError("unsupported constraint %s %s in %r" % (cls, arg, ghc_type))
        classes.setdefault(arg, set()).add(cls)
    subst = {}
    for v, cs in classes.items():
        if cs & DOUBLE_CLASSES:
            subst[v] = ("con", "Double", [])
        elif cs & {"Num", "Integral", "Real"}:
            subst[v] = ("con", "Int", [])
        elif cs & LIST_CLASSES:
            subst[v] = "list"
            warnings.append("%s: Foldable/Traversable variable %s read as []" % (ghc_type, v))
        elif cs & IO_CLASSES:
            subst[v] = "io"
            warnings.append("%s: Monad-like variable %s read as IO" % (ghc_type, v))
        elif cs <= FREE_CLASSES | {"Enum", "Read", "Bounded"}:
            if cs & {"Read"}:
                subst[v] = ("con", "Int", [])  # Read alone: like Num, defaults to Int
            # Eq/Ord/Show/Enum alone: no restriction, stays a variable.
        else:
            raise ValueError("class(es) %s outside Lull's vocabulary in %r" % (sorted(cs), ghc_type))
    t = Parser(tokenize(body)).fun()

    def go(t):
        kind = t[0]
        if kind == "var":
            s = subst.get(t[1])
            if isinstance(s, tuple):
                return s
            return t
        if kind == "con":
            name = t[1]
            if name == "Integer":
                warnings.append("%s: Integer (GHC's defaulting) read as Int" % ghc_type)
                name = "Int"
            if name not in ("Int", "Double", "Char", "Bool", "IO", "Maybe", "Either", "Ordering",
                            "String", "FilePath", "()", "ExitCode", "BufferMode", "Handle") \
                    and "." in name:
                raise ValueError("qualified type %s in %r" % (name, ghc_type))
            return ("con", name, [go(a) for a in t[2]])
        if kind == "app":
            head, args = t[1], [go(a) for a in t[2]]
            s = subst.get(head[1])
            if s == "list" and len(args) == 1:
                return ("list", args[0])
            if s == "io":
                return ("con", "IO", args)
            if isinstance(s, tuple):
                raise ValueError("applied numeric variable in %r" % ghc_type)
            return ("app", head, args)
        if kind == "fun":
            return ("fun", go(t[1]), go(t[2]))
        if kind == "list":
            return ("list", go(t[1]))
        if kind == "tuple":
            return ("tuple", [go(a) for a in t[1]])
        raise AssertionError(t)

    t = go(t)
    # Rename type variables a, b, c, ... in order of first appearance.
    names = {}

    def fresh(k):
        s = ""
        k += 1
        while k > 0:
            k, r = divmod(k - 1, 26)
            s = chr(ord("a") + r) + s
        return s

    def rename(t):
        kind = t[0]
        if kind == "var":
            if t[1] not in names:
                names[t[1]] = fresh(len(names))
            return ("var", names[t[1]])
        if kind == "con":
            return ("con", t[1], [rename(a) for a in t[2]])
        if kind == "app":
            h = rename(t[1])
            return ("app", h, [rename(a) for a in t[2]])
        if kind == "fun":
            a = rename(t[1])
            return ("fun", a, rename(t[2]))
        if kind == "list":
            return ("list", rename(t[1]))
        if kind == "tuple":
            return ("tuple", [rename(a) for a in t[1]])
        raise AssertionError(t)

    return show_type(rename(t))


def show_type(t, prec=0):
    """prec 0: top; 1: left of an arrow; 2: argument of an application."""
    kind = t[0]
    if kind == "var":
        return t[1]
    if kind == "con":
        if not t[2]:
            return t[1]
        s = t[1] + " " + " ".join(show_type(a, 2) for a in t[2])
        return "(" + s + ")" if prec >= 2 else s
    if kind == "app":
        s = show_type(t[1], 2) + " " + " ".join(show_type(a, 2) for a in t[2])
        return "(" + s + ")" if prec >= 2 else s
    if kind == "fun":
        s = show_type(t[1], 1) + " -> " + show_type(t[2], 0)
        return "(" + s + ")" if prec >= 1 else s
    if kind == "list":
        return "[" + show_type(t[1], 0) + "]"
    if kind == "tuple":
        return "(" + ", ".join(show_type(a, 0) for a in t[1]) + ")"
    raise AssertionError(t)


# ---------------------------------------------------------------------------
# Top-level binders in source order.

RESERVED = {"module", "import", "data", "type", "newtype", "infix", "infixl", "infixr",
            "class", "instance", "deriving", "default", "foreign", "where", "let", "in",
            "if", "then", "else", "case", "of", "do"}
VARID = r"[a-z_][A-Za-z0-9_']*"
OPSYM = r"[!#$%&*+./<=>?@\\^|\-~:]+"


def strip_comments(src):
    # Nested {- -} comments, then -- line comments (not inside strings).
    out, depth, i = [], 0, 0
    while i < len(src):
        if src.startswith("{-", i):
            depth += 1
            i += 2
        elif depth and src.startswith("-}", i):
            depth -= 1
            i += 2
        elif depth:
            out.append("\n" if src[i] == "\n" else " ")
            i += 1
        else:
            out.append(src[i])
            i += 1
    lines = []
    for line in "".join(out).split("\n"):
        lines.append(re.sub(r"(^|[^!#$%&*+./<=>?@\\^|~:\-])--+(?![!#$%&*+./<=>?@\\^|~:]).*$", r"\1", line)
                     if not line.lstrip().startswith('"') else line)
    return lines


def top_level_binders(src):
    names = []
    for line in strip_comments(src):
        if not line or line[0].isspace():
            continue
        first = line.split()[0]
        if first in RESERVED:
            continue
        m = re.match(r"^((?:%s|\(%s\))(?:\s*,\s*(?:%s|\(%s\)))*)\s*::" % (VARID, OPSYM, VARID, OPSYM), line)
        if m:
            for n in m.group(1).split(","):
                names.append(n.strip().strip("()").strip())
            continue
        m = re.match(r"^\((%s)\)" % OPSYM, line)                        # (op) x y = ...
        if m:
            names.append(m.group(1))
            continue
        m = re.match(r"^(%s)" % VARID, line)
        if m:
            rest = line[m.end():]
            # x `op` y = ... / x <op> y = ...
            m2 = re.match(r"^\s+`(%s)`" % VARID, rest)
            m3 = re.match(r"^\s+(%s)\s" % OPSYM, rest)
            if m2:
                names.append(m2.group(1))
            elif m3 and m3.group(1) not in ("=", "|", "::"):
                names.append(m3.group(1))
            else:
                names.append(m.group(1))
            continue
        m = re.match(r"^(\(.*?\)|\[.*?\]|[A-Z]\S*)\s+(%s)\s" % OPSYM, line)   # (a, b) <op> c = ...
        if m and m.group(2) not in ("=", "|"):
            names.append(m.group(2))
            continue
    seen, ordered = set(), []
    for n in names:
        if n not in seen:
            seen.add(n)
            ordered.append(n)
    return ordered


# ---------------------------------------------------------------------------
# GHC.

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def ghc_types(hs, workdir):
    r = run(["ghc", "-O0", "-fforce-recomp", "-fno-code", "-ddump-types",
             "-outputdir", workdir, hs])
    if r.returncode != 0:
        raise RuntimeError("ghc -ddump-types failed:\n" + r.stderr + r.stdout)
    text = r.stdout
    sect = text.split("TYPE SIGNATURES", 1)[1]
    sect = re.split(r"\n(?:TYPE CONSTRUCTORS|DATA CONSTRUCTORS|CLASS INSTANCES|Dependent)", sect)[0]
    entries, cur = [], None
    for line in sect.split("\n"):
        if line.startswith("  ") and not line.startswith("   "):
            cur = [line.strip()]
            entries.append(cur)
        elif line.startswith("   ") and cur is not None:
            cur.append(line.strip())
    types = {}
    for e in entries:
        s = " ".join(e)
        name, ty = s.split(" :: ", 1)
        if name.startswith(":"):
            continue
        types[name.strip().strip("()")] = ty
    return types


def lib_names():
    """Names each library module provides, from frontend/lib."""
    files = {"Prelude": "Prelude.lull", "Data.List": "Data/List.lull",
             "Data.Char": "Data/Char.lull", "Data.Maybe": "Data/Maybe.lull",
             "Control.Monad": "Control/Monad.lull", "System.IO": "System/IO.lull",
             "System.Exit": "System/Exit.lull", "System.Environment": "System/Environment.lull"}
    out = {}
    for mod, f in files.items():
        src = open(os.path.join(LIB, f)).read()
        names = set()
        header = re.search(r"^module\s+\S+\s*(\((.*?)\))?\s*where", src, re.M | re.S)
        for line in strip_comments(src):
            m = re.match(r"^(\(?\S+?\)?) ::", line)
            if m:
                names.add(m.group(1).strip("()"))
            m = re.match(r"^(data|type|newtype)\s+([A-Z]\w*)", line)
            if m:
                names.add(m.group(2))
                if "=" in line and m.group(1) != "type":
                    for con in line.split("=", 1)[1].split("|"):
                        names.add(con.split()[0])
        if header and header.group(2):
            names |= {n.strip() for n in header.group(2).split(",")}
        out[mod] = names
    out["Prelude"] |= {"Int", "Double", "Char", "IO"}
    return out


# Classes whose methods programs may use; the class names themselves are
# how GHC groups methods in a minimal import list.
ALLOWED_CLASSES = {"Eq", "Ord", "Show", "Read", "Num", "Integral", "Fractional", "Floating",
                   "RealFrac", "RealFloat", "Enum", "Foldable", "Traversable", "Monad",
                   "Applicative", "Real"}


def check_imports(hs, workdir):
    """Problems: library names used that Lull's library files do not declare."""
    src = open(hs).read()
    lines = src.split("\n")
    idx = next((k for k, l in enumerate(lines) if l.startswith("import ")), None)
    if idx is None:
        idx = next((k + 1 for k, l in enumerate(lines) if l.startswith("module ")), 0)
    lines.insert(idx, "import Prelude")
    probe = os.path.join(workdir, "probe", "Main.hs")
    os.makedirs(os.path.dirname(probe), exist_ok=True)
    open(probe, "w").write("\n".join(lines))
    dump = os.path.join(workdir, "probe")
    r = run(["ghc", "-O0", "-fforce-recomp", "-fno-code", "-ddump-minimal-imports",
             "-dumpdir", dump + "/", "-outputdir", dump, probe])
    if r.returncode != 0:
        return ["minimal-imports probe failed: " + r.stderr]
    text = open(os.path.join(dump, "Main.imports")).read()
    known = lib_names()
    problems = []
    for m in re.finditer(r"^import (\S+)\s*(\((.*?)\))?\s*$(?=\n(?:import|\Z))", text + "\nimport", re.M | re.S):
        mod, items = m.group(1), m.group(3) or ""
        allowed = known.get(mod)
        if allowed is None:
            problems.append("module %s is not a Lull library" % mod)
            continue
        # Flatten Class(m1, m2) and Type(..) items.
        depth, cur, flat = 0, "", []
        for c in items + ",":
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            if c == "," and depth == 0:
                flat.append(cur.strip())
                cur = ""
            else:
                cur += c
        for item in flat:
            if not item:
                continue
            mm = re.match(r"^(\(.*?\)|[^\s(]+)\s*(?:\((.*)\))?$", item, re.S)
            head, subs = mm.group(1).strip("()"), mm.group(2)
            if head in ALLOWED_CLASSES and (subs is None or subs.strip() == ".."):
                # A bare class (from `deriving`): only the derivable ones.
                if head not in ("Eq", "Ord", "Show"):
                    problems.append("%s: class %s is used" % (mod, head))
                continue
            if subs is not None and head in ALLOWED_CLASSES:
                for meth in subs.split(","):
                    meth = meth.strip().strip("()").strip()
                    if meth and meth not in known["Prelude"] and meth not in allowed:
                        problems.append("%s: %s.%s is not in Lull's %s" % (mod, head, meth, mod))
                continue
            if head not in allowed and not (mod != "Prelude" and head in known["Control.Monad"]):
                problems.append("%s: %s is not in Lull's %s" % (mod, head, mod))
    return problems


def generate(name, workdir):
    """Return (stdout_text, types_text, warnings); raise on errors."""
    src_path = os.path.join(PROGRAMS, name + ".lull")
    hs = os.path.join(workdir, name + ".hs")
    shutil.copy(src_path, hs)
    warnings = []
    exe = os.path.join(workdir, name)
    r = run(["ghc", "-O0", "-outputdir", os.path.join(workdir, name + ".o"), "-o", exe, hs])
    if r.returncode != 0:
        raise RuntimeError("ghc failed on %s:\n%s%s" % (name, r.stdout, r.stderr))
    stdin_path = os.path.join(PROGRAMS, name + ".stdin")
    stdin = open(stdin_path) if os.path.exists(stdin_path) else subprocess.DEVNULL
    r = subprocess.run([exe], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("%s exited with %d: %s" % (name, r.returncode, r.stderr.decode()))
    stdout = r.stdout.decode("utf-8")

    types = ghc_types(hs, os.path.join(workdir, name + ".t"))
    order = top_level_binders(open(src_path).read())
    if set(order) != set(types):
        raise RuntimeError("%s: binders found in the source %s differ from GHC's %s" % (
            name, sorted(set(order) ^ set(types)), ""))
    out = []
    for n in order:
        w = []
        lull = convert_type(types[n], w)
        warnings += ["%s: %s" % (n, x) for x in w]
        shown = "(%s)" % n if re.fullmatch(OPSYM, n) else n
        out.append("%s :: %s" % (shown, lull))
    warnings += check_imports(hs, os.path.join(workdir, name + ".i"))
    return stdout, "\n".join(out) + "\n", warnings


def main(argv):
    if argv[:1] == ["--convert"]:
        for t in argv[1:]:
            w = []
            print(convert_type(t, w))
            for x in w:
                print("warning:", x, file=sys.stderr)
        return 0
    check = "--check" in argv
    names = [a for a in argv if not a.startswith("--")]
    if not names:
        names = sorted(f[:-5] for f in os.listdir(PROGRAMS) if f.endswith(".lull"))
    if shutil.which("ghc") is None:
        print("ghc not found: apt-get install -y ghc", file=sys.stderr)
        return 1
    status = 0
    with tempfile.TemporaryDirectory(prefix="ghc-types-") as work:
        for name in names:
            try:
                stdout, types, warnings = generate(name, work)
            except Exception as e:  # noqa: BLE001 - report and go on
                print("error: %s: %s" % (name, e), file=sys.stderr)
                status = 1
                continue
            for w in warnings:
                print("warning: %s: %s" % (name, w), file=sys.stderr)
            for ext, text in (("stdout", stdout), ("types", types)):
                path = os.path.join(PROGRAMS, "%s.%s" % (name, ext))
                if check:
                    old = open(path).read() if os.path.exists(path) else None
                    if old != text:
                        print("drift: %s.%s" % (name, ext), file=sys.stderr)
                        status = 1
                else:
                    with open(path, "w") as f:
                        f.write(text)
            lines = sum(1 for _ in open(os.path.join(PROGRAMS, name + ".lull")))
            print("%-10s %4d lines  %3d bindings%s" % (name, lines, types.count("\n"),
                                                         "  (%d warnings)" % len(warnings) if warnings else ""))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
