//! Name resolution and type inference of Lull (`lull::check`): the types
//! inferred for small programs and the diagnostics for ill-typed ones.

use lull_frontend::diagnostic::render;
use lull_frontend::lull::check;
use lull_frontend::lull::types::{Ty, TyCon};

/// `name :: type` for each top-level binding but `main` (which every
/// program needs: `main = return ()` is appended when missing).
fn types(src: &str) -> Vec<String> {
    let src = with_main(src);
    match check(&src) {
        Ok(c) => {
            c.top_level_types().into_iter().filter(|(n, _)| n != "main").map(|(n, t)| format!("{n} :: {t}")).collect()
        }
        Err(d) => panic!("{src:?} does not check:\n{}", render(&d, "test.lull", &src)),
    }
}

fn with_main(src: &str) -> String {
    if src.lines().any(|l| l.starts_with("main")) {
        src.to_string()
    } else {
        format!("{src}\nmain = return ()\n")
    }
}

/// The rendered diagnostics of a program that must not check.
fn errors(src: &str) -> String {
    let src = with_main(src);
    match check(&src) {
        Ok(c) => panic!("{src:?} checks: {:?}", c.top_level_types()),
        Err(d) => render(&d, "test.lull", &src),
    }
}

fn assert_error(src: &str, needle: &str) {
    let e = errors(src);
    assert!(e.contains(needle), "expected {needle:?} in:\n{e}");
}

#[test]
fn let_polymorphism() {
    assert_eq!(types("p = let i x = x in (i 'c', i True)"), ["p :: (Char, Bool)"]);
    assert_eq!(types("p = (i 1, i \"s\") where i x = x"), ["p :: (Int, [Char])"]);
    assert_eq!(types("twice f x = f (f x)"), ["twice :: (a -> a) -> a -> a"]);
}

#[test]
fn lambda_bound_variables_are_monomorphic() {
    assert_error("p = (\\f -> (f 'c', f True)) id", "mismatched types: expected `Char`, found `Bool`");
    assert_eq!(types("apply f = (f 'a', f 'b')"), ["apply :: (Char -> a) -> (a, a)"]);
}

#[test]
fn mutual_recursion_is_one_group() {
    let t = types("ev 0 = True\nev n = od (n - 1)\nod 0 = False\nod n = ev (n - 1)");
    assert_eq!(t, ["ev :: Int -> Bool", "od :: Int -> Bool"]);
    // A later group sees the generalised type.
    let t = types("len [] = 0\nlen (_ : xs) = 1 + len xs\nuse = (len \"ab\", len [True])");
    assert_eq!(t, ["len :: [a] -> Int", "use :: (Int, Int)"]);
}

#[test]
fn signatures_may_be_more_specific() {
    assert_eq!(types("f :: Int -> Int\nf x = x"), ["f :: Int -> Int"]);
    assert_eq!(types("f :: [b] -> [b]\nf = reverse"), ["f :: [a] -> [a]"]);
    // Polymorphic recursion through a signature.
    assert_eq!(types("g :: a -> Int\ng _ = 0\nh = g 'c' + g True"), ["g :: a -> Int", "h :: Int"]);
}

#[test]
fn signatures_too_general_are_rejected() {
    assert_error("f :: a -> b\nf x = x", "the signature is too general");
    assert_error("f :: a -> a\nf x = x + 1", "its type variable `a` is used as a number");
    assert_error("f :: a -> a\nf x = not x", "the signature is too general");
    assert_error("g y = h 'c' where\n  h :: a -> a\n  h _ = y", "would have to be a type from outside");
}

#[test]
fn numeric_defaulting() {
    assert_eq!(types("d x = x + x\nt = sum [1, 2]"), ["d :: Int -> Int", "t :: Int"]);
    assert_eq!(types("h x = x / 2"), ["h :: Double -> Double"]);
    assert_eq!(types("r = 3\ns = r * 1.5"), ["r :: Double", "s :: Double"]);
    assert_eq!(types("f x = let y = 2 in x * y + 0.5"), ["f :: Double -> Double"]);
    assert_eq!(types("n = length [] + 1"), ["n :: Int"]);
    assert_eq!(types("p = (fromIntegral (3 :: Int) :: Double)"), ["p :: Double"]);
}

#[test]
fn numeric_errors() {
    assert_error("p = 1 + True", "`Bool` is not a numeric type: only Int and Double are");
    assert_error("p = if 1 then 'a' else 'b'", "`Bool` is not a numeric type");
    assert_error("d x = x + x\np = (d 1, d 2.5)", "mismatched types: expected `Int`, found `Double`");
    assert_error("f :: Num a => a -> a\nf x = x", "numeric polymorphism is not supported");
    assert_error("f :: Integral a => a -> a\nf x = x", "a signature cannot have a `Integral` context");
    assert_error("f :: Functor f => f a -> f a\nf x = x", "type classes are not supported");
    assert_error("p = length \"ab\" / 2", "expected `Double`, found `Int`");
}

#[test]
fn eq_ord_show_contexts_are_accepted() {
    assert_eq!(
        types("f :: (Eq a, Show a) => a -> String\nf x = if x == x then show x else \"\""),
        ["f :: a -> String"]
    );
    assert_eq!(types("g x = show x ++ show (x < x)"), ["g :: a -> [Char]"]);
}

#[test]
fn newtypes_synonyms_and_data() {
    assert_eq!(types("newtype Age = Age Int\nolder (Age n) = Age (n + 1)"), ["older :: Age -> Age"]);
    assert_eq!(
        types("type P = (Int, Int)\no :: P\no = (0, 0)\nf (x, _) = x\nz = f o"),
        ["o :: P", "f :: (a, b) -> a", "z :: Int"]
    );
    assert_eq!(
        types("data T a = L | N (T a) a (T a)\nsize L = 0\nsize (N l _ r) = size l + 1 + size r"),
        ["size :: T a -> Int"]
    );
    assert_error("newtype Age = Age Int\nf :: Age -> Age\nf a = a + 1", "`Age` is not a numeric type");
}

#[test]
fn kinds_and_synonym_errors() {
    assert_error("f :: Maybe -> Int\nf _ = 0", "the type `Maybe` takes 1 argument, but was given none");
    assert_error("f :: Either Int -> Int\nf _ = 0", "the type `Either` takes 2 arguments, but was given 1");
    assert_error("data W f = W (f Int)", "higher-kinded types are not supported");
    assert_error("type L = [L]", "the type synonym `L` is recursive");
    assert_error("type A = B\ntype B = A", "is recursive");
    assert_error("type P a = (a, a)\nx :: P\nx = (1, 1)", "the type `P` takes 1 argument");
    assert_error("data B = B a", "type variable `a` is not in scope");
}

#[test]
fn patterns() {
    assert_eq!(types("f (Just x) = x\nf Nothing = 'n'"), ["f :: Maybe Char -> Char"]);
    assert_eq!(types("g all@(x : _) = (x, all)\ng [] = undefined"), ["g :: [a] -> (a, [a])"]);
    assert_eq!(types("h ~(a, b) = a"), ["h :: (a, b) -> a"]);
    assert_eq!(types("k (-1) = True\nk _ = False"), ["k :: Int -> Bool"]);
    assert_eq!(types("s \"x\" = 1.5\ns _ = 0"), ["s :: [Char] -> Double"]);
    assert_error("f (Just a b) = a", "the constructor `Just` takes 1 argument but 2 were given");
    assert_error("f (Nothing x) = x", "the constructor `Nothing` takes 0 arguments but 1 was given");
    assert_error("f :: Int -> Int\nf 'a' = 1", "mismatched types: expected `Int`, found `Char`");
}

#[test]
fn do_blocks() {
    assert_eq!(types("act = do\n  l <- getLine\n  let n = length l\n  print n\n  return n"), ["act :: IO Int"]);
    assert_error("main = do\n  x <- getLine", "the last statement of a `do` block must be an expression");
    assert_error("main = do\n  length \"a\"\n  return ()", "expected `IO a`, found `Int`");
    assert_error("main = 3", "`main` must have type `IO t`, but it has type `Int`");
    let e = render(&check("f = 1\n").unwrap_err(), "t.lull", "f = 1\n");
    assert!(e.contains("the program has no `main`"), "{e}");
}

#[test]
fn comprehensions_ranges_sections() {
    assert_eq!(types("p n = [(a, b) | a <- [1 .. n], let b = a * a, odd b]"), ["p :: Int -> [(Int, Int)]"]);
    assert_eq!(types("c = ['a' .. 'e']\nd = [1.0, 1.5 .. 3]"), ["c :: [Char]", "d :: [Double]"]);
    assert_eq!(
        types("a = map (* 2)\nb = map (2 -)\nc = (`div` 2)"),
        ["a :: [Int] -> [Int]", "b :: [Int] -> [Int]", "c :: Int -> Int"]
    );
    assert_error("p = [x | x <- [1], x]", "`Bool` is not a numeric type");
    assert_error("p = [x | x <- Just 1]", "expected `[a]`, found `Maybe b`");
}

#[test]
fn infinite_types() {
    assert_error("f x = x x", "cannot construct the infinite type `a = a -> b`");
    assert_error("f x = [x] ++ x", "cannot construct the infinite type `a = [a]`");
}

#[test]
fn mismatches_point_at_both_places() {
    let e = errors("main = print (not 'a')");
    assert!(e.contains("mismatched types: expected `Bool`, found `Char`"), "{e}");
    assert!(e.contains("this has type `Char`"), "{e}");
    assert!(e.contains("this function expects `Bool` as its first argument"), "{e}");
    let e = errors("f :: Int -> Bool\nf n = n");
    assert!(e.contains("expected `Bool` because of this signature"), "{e}");
}

#[test]
fn names() {
    assert_error("p = lenght [1]", "help: did you mean `length`?".trim_start_matches("help: "));
    assert_error("p = sort [1]", "`sort` is in `Data.List`: add `import Data.List`");
    assert_error("f 0 = 1\ng = 2\nf n = n", "`f` is defined twice");
    assert_error("f x x = x", "`x` is bound twice in the same pattern");
    assert_error("f 0 y = y\nf x = x", "the equations of `f` have different numbers of arguments");
    assert_error("h :: Int", "the type signature for `h` lacks a binding");
    assert_error("import Data.Lisst\np = 1", "unknown module `Data.Lisst`");
    assert_error("class C a where\n  m :: a", "type classes are not supported");
    assert_error("data R = R { f :: Int }", "records are not supported");
    assert_error("p = Jus 1", "did you mean `Just`?");
    assert_error("f :: Integr\nf = 1", "unknown type `Integr`");
    assert_error("import Data.List (sortt)\np = 1", "module `Data.List` does not export `sortt`");
    assert_error("import qualified Data.List\np = 1", "qualified imports are not supported");
}

#[test]
fn imports_and_shadowing() {
    assert_eq!(types("import Data.List (sort)\np = sort \"ba\""), ["p :: [Char]"]);
    assert_error("import Data.List hiding (sort)\np = sort \"ba\"", "unbound variable `sort`");
    // The program's own definitions shadow imported ones.
    assert_eq!(types("when = 3\np = when + 1"), ["when :: Int", "p :: Int"]);
    assert_eq!(types("import System.Exit (ExitCode(..))\ne = ExitFailure 2"), ["e :: ExitCode"]);
}

#[test]
fn side_tables_record_types_for_lowering() {
    let src = "main = print (show 1.5 ++ show (length \"ab\" + 2))\n";
    let c = check(src).unwrap();
    let at = |needle: &str, nth: usize| {
        let start = src.match_indices(needle).nth(nth).unwrap().0;
        lull_frontend::span::Span::new(start, start + needle.len())
    };
    // The second `show` is used at Int -> String.
    let show2 = c.type_at(at("show", 1)).unwrap();
    assert_eq!(show2, &Ty::fun(Ty::int(), Ty::string()));
    // The literal 2 was defaulted through `+` to Int; 1.5 is a Double.
    assert_eq!(c.tables.lit_types.get(&at("2", 0)), Some(&Ty::int()));
    assert_eq!(c.tables.lit_types.get(&at("1.5", 0)), Some(&Ty::Con(TyCon::DOUBLE, vec![])));
}

#[test]
fn never_panics_on_odd_programs() {
    for src in [
        "main = main",
        "x = x\nmain = return x",
        "main = let f = f in f",
        "data T = T T\nmain = return ()",
        "main = return (1, 2, 3, 4, 5, 6, 7)",
        "f = (1, 2, 3, 4, 5, 6, 7, 8)\nmain = return ()",
        "type S = Int\ntype S = Char\nmain = return ()",
    ] {
        let _ = check(src);
    }
}
