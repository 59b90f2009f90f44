//! The functions a crate exports to a host (`lull build --crate`): which
//! top-level bindings, and the code of their types that the runtime's
//! embedding API converts values by.
//!
//! Note [Export types]
//! -------------------
//! A host calls a crate's function with values built from `Int`, `Double`,
//! `Bool`, `Char`, `String`, `()`, lists and tuples of these (the kinds of
//! `rt/include/lull_embed.h`). The crate records each export's type as a
//! short code that `rt/src/embed.c` reads:
//!
//! ```text
//! type   ::= 'i' Int | 'd' Double | 'b' Bool | 'c' Char | 's' String
//!          | 'u' () | 'l' type (a list) | 't' N type^N (a tuple, N in 2..7)
//! export ::= type* '>' type      (the arguments, then the result)
//! ```
//!
//! so `wordFreq :: String -> [(String, Int)]` is `s>lt2si`. `[Char]` is
//! `s` wherever it appears. A binding of any other type (a polymorphic
//! one, one over a data type of the program) has no code: an export list
//! that names it is an error; without an export list it is left out.

use super::super::env::Globals;
use super::super::types::{Ty, TyCon};

/// The code of a function type (Note [Export types]), or `None` when a
/// host cannot call it.
pub(super) fn export_code(globals: &Globals, ty: &Ty) -> Option<String> {
    let mut code = String::new();
    let mut t = ty;
    while let Ty::Con(TyCon::FUN, args) = t {
        value_code(globals, &args[0], &mut code)?;
        t = &args[1];
    }
    code.push('>');
    value_code(globals, t, &mut code)?;
    Some(code)
}

fn value_code(globals: &Globals, ty: &Ty, out: &mut String) -> Option<()> {
    let Ty::Con(tc, args) = ty else { return None };
    match (*tc, args.as_slice()) {
        (TyCon::INT, []) => out.push('i'),
        (TyCon::DOUBLE, []) => out.push('d'),
        (TyCon::CHAR, []) => out.push('c'),
        (TyCon::UNIT, []) => out.push('u'),
        (TyCon::LIST, [Ty::Con(TyCon::CHAR, _)]) => out.push('s'),
        (TyCon::LIST, [elem]) => {
            out.push('l');
            value_code(globals, elem, out)?;
        }
        (tc, []) if is_bool(globals, tc) => out.push('b'),
        (tc, items) => {
            let n = tc.tuple_arity()?;
            out.push('t');
            out.push(char::from(b'0' + n as u8));
            for item in items {
                value_code(globals, item, out)?;
            }
        }
    }
    Some(())
}

/// The Prelude's `Bool`: the type named so whose constructors are
/// `False` and `True`.
fn is_bool(globals: &Globals, tc: TyCon) -> bool {
    globals.tycons.get(tc).is_some_and(|i| i.name == "Bool" && i.cons == ["False", "True"])
}
