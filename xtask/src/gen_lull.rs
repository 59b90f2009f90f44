//! A generator of large, well-typed Lull programs, for the front end's
//! benchmark (`lull check` on a 10,000-line program).
//!
//! The program is a chain of units, each about twenty lines, using the forms
//! a real program does: a data type with parameters, signatures and
//! unannotated bindings (so inference has work to do), equations with
//! patterns and guards, `where`, `let`, `case`, list comprehensions, sections
//! and operators, and calls into the unit before (so that dependency
//! analysis sees long chains). It is valid Haskell too: the same text can be
//! checked by GHC as a peer.

use std::fmt::Write;

/// A program of at least `lines` lines, ending with `main`.
pub fn program(lines: usize) -> String {
    let mut out = String::from("module Main (main) where\n\nimport Data.List (sortBy, foldl')\n\n");
    let mut unit = 0;
    while out.lines().count() < lines {
        write_unit(&mut out, unit);
        unit += 1;
    }
    let last = unit.saturating_sub(1);
    let _ = writeln!(out, "main :: IO ()");
    let _ = writeln!(out, "main = do");
    let _ = writeln!(out, "  print (total{last} [1 .. 10])");
    let _ = writeln!(out, "  putStrLn (describe{last} (Leaf{last} 3))");
    out
}

fn write_unit(out: &mut String, i: usize) {
    let prev = if i == 0 { None } else { Some(i - 1) };
    let _ = writeln!(out, "data Tree{i} a = Leaf{i} a | Node{i} (Tree{i} a) (Tree{i} a)");
    let _ = writeln!(out);
    let _ = writeln!(out, "size{i} :: Tree{i} a -> Int");
    let _ = writeln!(out, "size{i} (Leaf{i} _) = 1");
    let _ = writeln!(out, "size{i} (Node{i} l r) = size{i} l + size{i} r");
    let _ = writeln!(out);
    let _ = writeln!(out, "mapTree{i} f t = case t of");
    let _ = writeln!(out, "  Leaf{i} x -> Leaf{i} (f x)");
    let _ = writeln!(out, "  Node{i} l r -> Node{i} (mapTree{i} f l) (mapTree{i} f r)");
    let _ = writeln!(out);
    let _ = writeln!(out, "total{i} xs");
    let _ = writeln!(out, "  | null xs = base");
    match prev {
        Some(p) => {
            let _ = writeln!(
                out,
                "  | otherwise = foldl' (+) base [ x * k | x <- xs, even x || x > k ] + total{p} (drop 1 xs)"
            );
        }
        None => {
            let _ = writeln!(out, "  | otherwise = foldl' (+) base [ x * k | x <- xs, even x || x > k ]");
        }
    }
    let _ = writeln!(out, "  where");
    let _ = writeln!(out, "    base = length xs");
    let _ = writeln!(out, "    k = {}", i % 7 + 1);
    let _ = writeln!(out);
    let _ = writeln!(out, "describe{i} :: Tree{i} Int -> String");
    let _ = writeln!(out, "describe{i} t =");
    let _ = writeln!(out, "  let n = size{i} (mapTree{i} (* 2) t)");
    let _ = writeln!(out, "      pairs = sortBy (\\(a, _) (b, _) -> compare b a) (zip [n ..] \"unit\")");
    let _ = writeln!(out, "  in show n ++ map snd pairs");
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_requested_length_and_a_main() {
        let p = program(1000);
        let n = p.lines().count();
        assert!((1000..1100).contains(&n), "{n} lines");
        assert!(p.contains("\nmain = do\n"));
        assert!(p.contains("total1 xs"));
    }
}
