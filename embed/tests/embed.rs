//! Crates built in-process from Lull source, loaded through `lull-embed`:
//! every conversion, every error path of `rt/include/lull_embed.h`, and
//! independence of crates and runtimes.

use std::path::{Path, PathBuf};
use std::process::Command;

use lull_embed::{Config, Error, Runtime, Value};

use lull_frontend::lull::lower::Link;

/// The library crate's entry symbol in these tests.
const LIB_ENTRY: &str = "lull_entry_lib_embed_tests";

/// The library crate's object, compiled once (what `lull` caches:
/// src/library_crate.rs).
fn library_object() -> &'static [u8] {
    static OBJECT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    OBJECT.get_or_init(|| {
        let lib = lull_frontend::lull::library::library().map_err(|(n, _, _)| n).expect("the library");
        let lowered = lull_frontend::lull::lower::lower_library(lib).expect("the library lowers");
        let flat = lull_middle::closure_conv::closure_convert(&lowered.module).expect("closure conversion");
        let symbols = lowered.symbols.into_iter().map(|(n, g)| (n, (0, g))).collect();
        let linkage = lull_llvm::Linkage { entry_symbol: Some(LIB_ENTRY.into()), deps: vec![], symbols };
        let program = lull_llvm::Program { modules: vec![&flat], entries: vec![], exports: vec![], linkage };
        let objects = lull_llvm::compile_objects(&program).expect("compile the library");
        lull_llvm::library_object(&objects, LIB_ENTRY).expect("the library object")
    })
}

/// Builds the crate of Lull module `src` as `dir/name` against the library
/// crate (what `lull build --crate` does).
fn build(dir: &Path, name: &str, src: &str) -> PathBuf {
    build_linked(dir, name, src, Link::Against("lib"))
}

/// The same with the library compiled into the crate (`--whole`).
fn build_whole(dir: &Path, name: &str, src: &str) -> PathBuf {
    build_linked(dir, name, src, Link::Whole)
}

fn build_linked(dir: &Path, name: &str, src: &str, link: Link<'_>) -> PathBuf {
    let checked = lull_frontend::lull::check(src).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let lib = lull_frontend::lull::library::library().map_err(|(n, _, _)| n).expect("the library");
    let lowered = lull_frontend::lull::lower::lower_crate(&checked, lib, name, src, link)
        .unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let flat = lull_middle::closure_conv::closure_convert(&lowered.module).expect("closure conversion");
    let exports = lowered
        .exports
        .into_iter()
        .map(|e| lull_llvm::Export { name: e.name, global: (0, e.global), code: e.code, type_text: e.ty })
        .collect();
    let deps = match link {
        Link::Whole => vec![],
        Link::Against(krate) => {
            vec![lull_llvm::Dep { name: krate.into(), entry_symbol: LIB_ENTRY.into(), object: library_object() }]
        }
    };
    let linkage = lull_llvm::Linkage { deps, ..Default::default() };
    let program = lull_llvm::Program { modules: vec![&flat], entries: vec![], exports, linkage };
    let out = dir.join(name);
    lull_llvm::build_crate(&program, &out).expect("build the crate");
    out
}

const CALC: &str = r#"module Calc where

import Data.Char (toUpper)

add :: Int -> Int -> Int
add x y = x + y

scale :: Double -> [Double] -> [Double]
scale k = map (* k)

rev :: String -> String
rev = reverse

upper :: Char -> Char
upper = toUpper

swap :: (Int, String) -> (String, Int)
swap (n, s) = (s, n)

evens :: [Int] -> [Bool]
evens = map even

nested :: Int -> [[Int]]
nested n = [[1 .. k] | k <- [1 .. n]]

unit :: () -> Int
unit () = 7

upTo :: Int -> [Int]
upTo n = [1 .. n]

total :: [Int] -> Int
total = sum

table :: [Int]
table = map (* 2) [1 .. 10]

boom :: Int -> Int
boom n = if n > 0 then error ("boom " ++ show n) else sum table

firstOf :: [Int] -> Int
firstOf (x:_) = x

divide :: Int -> Int -> Int
divide = div

spin :: Int -> Int
spin n = spin (n + 1)

deep :: Int -> Int
deep n = if n == 0 then 0 else 1 + deep (n - 1)

hold :: Int -> Int
hold n = let xs = [1 .. n] in sum xs + length xs

poly :: [a] -> Int
poly = length

parse :: String -> Int
parse = read
"#;

/// `n`, or a hundredth of it under `LULL_GC_STRESS=1` (every heap check
/// collects and checks the heap there: quadratic).
fn size(n: i64) -> i64 {
    if std::env::var_os("LULL_GC_STRESS").is_some_and(|v| v == "1") {
        n / 100
    } else {
        n
    }
}

fn calc() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = build(dir.path(), "libCalc.so", CALC);
    (dir, path)
}

#[test]
fn values_go_in_and_come_out() {
    let (_dir, path) = calc();
    let rt = Runtime::new().unwrap();
    let mut c = rt.open(&path).unwrap();
    let names: Vec<String> = c.exports().into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"add".to_string()) && !names.contains(&"poly".to_string()), "{names:?}");
    assert!(c.exports().contains(&("swap".to_string(), "(Int, String) -> (String, Int)".to_string())));

    assert_eq!(c.call("add", &[40.into(), 2.into()]).unwrap(), Value::Int(42));
    assert_eq!(c.call("add", &[i64::MAX.into(), 1.into()]).unwrap(), Value::Int(i64::MIN));
    let scaled: Vec<f64> = c.call("scale", &[0.5.into(), vec![1.0, 3.0].into()]).unwrap().try_into().unwrap();
    assert_eq!(scaled, vec![0.5, 1.5]);
    assert_eq!(c.call("rev", &["héllo ☃ 𝄞".into()]).unwrap(), Value::String("𝄞 ☃ olléh".into()));
    assert_eq!(c.call("rev", &["".into()]).unwrap(), Value::String(String::new()));
    assert_eq!(c.call("upper", &['ß'.into()]).unwrap(), Value::Char('ß'));
    assert_eq!(c.call("upper", &['é'.into()]).unwrap(), Value::Char('É'));
    let swapped: (String, i64) = c.call("swap", &[(3, "three").into()]).unwrap().try_into().unwrap();
    assert_eq!(swapped, ("three".to_string(), 3));
    assert_eq!(
        c.call("evens", &[vec![1, 2, 3].into()]).unwrap(),
        Value::List(vec![Value::Bool(false), Value::Bool(true), Value::Bool(false)])
    );
    let nested: Vec<Vec<i64>> = c.call("nested", &[3.into()]).unwrap().try_into().unwrap();
    assert_eq!(nested, vec![vec![1], vec![1, 2], vec![1, 2, 3]]);
    assert_eq!(c.call("unit", &[().into()]).unwrap(), Value::Int(7));
    assert_eq!(c.call("table", &[]).unwrap().to_string(), "[2,4,6,8,10,12,14,16,18,20]");
    // Long lists both ways: no recursion on their length.
    let n = size(1_000_000);
    let big: Vec<i64> = c.call("upTo", &[n.into()]).unwrap().try_into().unwrap();
    assert_eq!(big.len(), n as usize);
    assert_eq!(c.call("total", &[Value::from(big)]).unwrap(), Value::Int(n * (n + 1) / 2));
    // show, as Haskell prints it.
    let shown = Value::Tuple(vec!["a\"b\n\u{1}2".into(), Value::Char('\''), Value::Double(0.1), Value::Int(-3)]);
    assert_eq!(shown.to_string(), r#"("a\"b\n\SOH2",'\'',0.1,-3)"#);
    assert_eq!(Value::String("\u{e9}1".into()).to_string(), r#""\233\&1""#);
}

#[test]
fn lull_errors_and_limits_are_errors_and_the_crate_goes_on() {
    let (_dir, path) = calc();
    let rt = Runtime::with_config(Config { max_memory: 256 << 20, max_steps: 0 }).unwrap();
    let mut c = rt.open(&path).unwrap();
    // The CAF `table` is evaluated, then a call fails: the next call
    // starts afresh and evaluates it again.
    assert_eq!(c.call("boom", &[0.into()]).unwrap(), Value::Int(110));
    assert_eq!(c.call("boom", &[5.into()]), Err(Error("boom 5".into())));
    assert_eq!(c.call("boom", &[0.into()]).unwrap(), Value::Int(110));
    // `read` at Int goes through a CAF of the library crate, which lives
    // in the crate's heap: a reset puts it back as well.
    assert_eq!(c.call("parse", &["12".into()]).unwrap(), Value::Int(12));
    assert_eq!(c.call("boom", &[6.into()]), Err(Error("boom 6".into())));
    assert_eq!(c.call("parse", &[" (7)".into()]).unwrap(), Value::Int(7));
    assert_eq!(c.call("parse", &["x".into()]), Err(Error("Prelude.read: no parse".into())));
    assert_eq!(c.call("parse", &["-3".into()]).unwrap(), Value::Int(-3));
    let e = c.call("firstOf", &[Value::List(vec![])]).unwrap_err();
    assert!(e.0.contains("Non-exhaustive patterns in function firstOf"), "{e}");
    assert_eq!(c.call("divide", &[1.into(), 0.into()]), Err(Error("divide by zero".into())));
    // (Too slow under GC stress, which checks the whole heap at every
    // heap check.)
    if size(100) == 100 {
        let e = c.call("hold", &[100_000_000.into()]).unwrap_err();
        assert_eq!(e.0, "memory limit of 256 MiB reached (lull_config.max_memory)");
        let e = c.call("deep", &[100_000_000.into()]).unwrap_err();
        assert!(e.0.contains("256 MiB") || e.0.contains("stack overflow"), "{e}");
    }
    assert_eq!(c.call("add", &[1.into(), 2.into()]).unwrap(), Value::Int(3));

    let rt = Runtime::with_config(Config { max_memory: 0, max_steps: 10_000 }).unwrap();
    let mut c = rt.open(&path).unwrap();
    assert_eq!(c.call("spin", &[0.into()]), Err(Error("step limit of 10000 reached (lull_config.max_steps)".into())));
    // The limit is per call.
    for _ in 0..3 {
        assert_eq!(c.call("total", &[vec![1, 2, 3].into()]).unwrap(), Value::Int(6));
    }
}

#[test]
fn a_crate_with_the_library_compiled_in_works_alike() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = build_whole(dir.path(), "libCalc.so", CALC);
    let rt = Runtime::new().unwrap();
    let mut c = rt.open(&path).unwrap();
    assert_eq!(c.call("nested", &[3.into()]).unwrap().to_string(), "[[1],[1,2],[1,2,3]]");
    assert_eq!(c.call("boom", &[2.into()]), Err(Error("boom 2".into())));
    assert_eq!(c.call("parse", &["41".into()]).unwrap(), Value::Int(41));
}

#[test]
fn wrong_calls_are_errors() {
    let (_dir, path) = calc();
    let rt = Runtime::new().unwrap();
    let mut c = rt.open(&path).unwrap();
    assert_eq!(c.call("nope", &[]), Err(Error("the crate exports no function `nope`".into())));
    assert_eq!(c.call("poly", &[Value::List(vec![])]), Err(Error("the crate exports no function `poly`".into())));
    assert_eq!(c.call("add", &[1.into()]), Err(Error("`add :: Int -> Int -> Int` takes 2 arguments, not 1".into())));
    assert_eq!(
        c.call("add", &[1.into(), "two".into()]),
        Err(Error("argument 2 of `add :: Int -> Int -> Int`: a String where a value of type Int is expected".into()))
    );
    let e = c.call("swap", &[(1, 2, 3).into()]).unwrap_err();
    assert!(e.0.contains("a tuple of 3 items where one of 2 is expected"), "{e}");
    let e = c.call("evens", &[Value::List(vec![1.into(), 'x'.into()])]).unwrap_err();
    assert!(e.0.contains("a Char where a value of type Int is expected"), "{e}");
}

#[test]
fn opening_what_is_not_a_crate_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rt = Runtime::new().unwrap();
    let missing = dir.path().join("libMissing.so");
    let e = rt.open(&missing).err().unwrap();
    assert_eq!(e.0, format!("cannot open the crate {}: No such file or directory", missing.display()));

    let text = dir.path().join("libText.so");
    std::fs::write(&text, "not an ELF file").unwrap();
    let e = rt.open(&text).err().unwrap();
    assert!(e.0.starts_with(&format!("cannot load the crate {}: ", text.display())), "{e}");

    // A shared object without the entry, and one whose entry says it was
    // compiled for another version of the service table.
    let c_src = dir.path().join("fake.c");
    std::fs::write(
        &c_src,
        "#include \"lull_rt.h\"\nint not_an_entry;\n#ifdef ENTRY\n\
         static struct lull_program p = {.services_version = LULL_SERVICES_VERSION + 1};\n\
         const struct lull_program *lull_entry(const struct lull_services *s) { (void)s; return &p; }\n#endif\n",
    )
    .unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rt/include");
    let cc = |out: &Path, extra: &[&str]| {
        let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-shared", "-fPIC", "-I"])
            .arg(&include)
            .args(extra)
            .arg(&c_src)
            .arg("-o")
            .arg(out)
            .status()
            .expect("run the C compiler");
        assert!(status.success());
    };
    let no_entry = dir.path().join("libNoEntry.so");
    cc(&no_entry, &[]);
    let e = rt.open(&no_entry).err().unwrap();
    assert_eq!(e.0, format!("{} is not a Lull crate: it has no `lull_entry` symbol", no_entry.display()));
    let old = dir.path().join("libOld.so");
    cc(&old, &["-DENTRY"]);
    let e = rt.open(&old).err().unwrap();
    let v = lull_llvm::layout::SERVICES_VERSION;
    assert!(
        e.0.contains(&format!(
            "was compiled for version {} of the runtime's service table, but this runtime has version {v}",
            v + 1
        )),
        "{e}"
    );
}

#[test]
fn crates_and_runtimes_are_independent() {
    let (dir, path) = calc();
    let other = build(
        dir.path(),
        "libOther.so",
        "module Other where\n\nsquares :: Int -> [Int]\nsquares n = [k * k | k <- [1 .. n]]\n",
    );
    // Several crates in one runtime, the same crate twice in one runtime.
    let rt = Runtime::new().unwrap();
    let mut a = rt.open(&path).unwrap();
    let mut b = rt.open(&other).unwrap();
    let mut a2 = rt.open(&path).unwrap();
    assert_eq!(b.call("squares", &[3.into()]).unwrap().to_string(), "[1,4,9]");
    assert_eq!(a.call("boom", &[1.into()]), Err(Error("boom 1".into())));
    assert_eq!(a2.call("boom", &[0.into()]).unwrap(), Value::Int(110));
    drop((a, a2, b));
    // Two runtimes on two threads at once.
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let rt = Runtime::with_config(Config { max_memory: 512 << 20, max_steps: 0 }).unwrap();
                let mut c = rt.open(&path).unwrap();
                for i in 0..20 {
                    let n = size(10_000) + i + t;
                    let xs: Vec<i64> = c.call("upTo", &[n.into()]).unwrap().try_into().unwrap();
                    assert_eq!(c.call("total", &[Value::from(xs)]).unwrap(), Value::Int(n * (n + 1) / 2));
                    if i % 5 == 0 {
                        assert_eq!(
                            c.call("boom", &[i.into()]).map_err(|e| e.0).err(),
                            (i > 0).then(|| format!("boom {i}"))
                        );
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a host thread");
    }
}
