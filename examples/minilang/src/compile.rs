//! The one-pass compiler: a recursive-descent parser over logos tokens that
//! emits Core with the `Builder` as it reads. Each parse function appends the
//! A-normal form of what it read to the current block (see [`Step`]), moves the
//! IO token past its effects and returns the variable holding its value.

use logos::Logos;
use lull_middle::core::ir::{Alt, ConRef, DataId, Expr, GlobalId, Module, Pat, Rep, VarId};
use lull_middle::core::{builder::Builder, parse::parse_module};
use std::mem::{replace, take};

/// A syntax or scope error: its byte offset in the source and its message.
pub type Error = (usize, String);

/// One token: a name, a keyword, a number or a symbol; the parser reads its text.
#[derive(Logos)]
#[logos(skip r"[ \t\r\n]+|\(\*([^*]|\*+[^*)])*\*+\)")]
enum Token {
    #[regex(r"[-+*/%;()=]|->|[<>]=?|==|!=|[A-Za-z0-9_']+")]
    Word,
}

const KEYWORDS: [&str; 7] = ["let", "rec", "in", "fun", "if", "then", "else"];

/// The binary operators by precedence, loosest first, all left-associative,
/// with the prelude's functions for them (`a; b` has none: it is b).
const LEVELS: [&[(&str, &str)]; 4] = [
    &[(";", "")],
    &[("<", "ilt"), ("<=", "ile"), (">", "igt"), (">=", "ige"), ("==", "ieq"), ("!=", "ine")],
    &[("+", "iadd"), ("-", "isub")],
    &[("*", "imul"), ("/", "iquot"), ("%", "irem")],
];

/// The prelude's constructors `I(i64)`, `False`, `True` and `R(token, value)`.
const INT: ConRef = ConRef { data: DataId(0), tag: 0 };
const FALSE: ConRef = ConRef { data: DataId(0), tag: 1 };
const TRUE: ConRef = ConRef { data: DataId(0), tag: 2 };
const RES: ConRef = ConRef { data: DataId(1), tag: 0 };

/// A step of a block, wrapped around the rest of the block.
enum Step {
    /// `strict x = e in ...`, or `letrec x = e in ...` when recursive.
    Let(bool, VarId, Expr),
    /// `case e as b { pat -> ... }`.
    Unpack(Expr, VarId, Pat),
}

struct Compiler<'a> {
    /// The tokens' texts and offsets, ending with `("", source length)`.
    toks: Vec<(&'a str, usize)>,
    pos: usize,
    b: Builder,
    /// The names in scope, innermost last.
    scope: Vec<(&'a str, VarId)>,
    /// The steps of the current block so far, and the IO token after them.
    steps: Vec<Step>,
    token: VarId,
}

/// Compile a program to a Core module and its entry, a function of the IO token.
pub fn compile(src: &str) -> Result<(Module, GlobalId), Error> {
    let mut toks = Vec::new();
    for (tok, span) in Token::lexer(src).spanned() {
        let (text, at) = (&src[span.clone()], span.start);
        toks.push(tok.map(|_| (text, at)).map_err(|()| (at, format!("unexpected character `{text}`")))?);
    }
    toks.push(("", src.len()));
    let mut b = Builder::from_module(parse_module(include_str!("prelude.core")).expect("the prelude is valid"));
    let (token, p) = (b.var("token", Rep::Value), b.var("print", Rep::Value));
    let steps = vec![Step::Let(false, p, Builder::global(b.module().find_def("print").unwrap()))];
    let mut c = Compiler { toks, pos: 0, b, scope: vec![("print", p)], steps, token };
    while !c.text().is_empty() {
        c.binding()?;
    }
    let body = wrap(take(&mut c.steps), Builder::var_ref(c.token));
    let main = c.b.def("main", Builder::lam(vec![token], body));
    Ok((c.b.finish(), main))
}

impl<'a> Compiler<'a> {
    /// The current token's text; empty at the end.
    fn text(&self) -> &'a str {
        self.toks[self.pos].0
    }

    fn fail(&self, expected: &str) -> Error {
        let found = if self.text().is_empty() { "the end of the input".into() } else { format!("`{}`", self.text()) };
        (self.toks[self.pos].1, format!("expected {expected}, found {found}"))
    }

    fn eat(&mut self, text: &str) -> bool {
        let found = self.text() == text;
        self.pos += found as usize;
        found
    }

    fn expect(&mut self, text: &str) -> Result<(), Error> {
        self.eat(text).then_some(()).ok_or_else(|| self.fail(&format!("`{text}`")))
    }

    /// Consume a name: a word that starts with a letter or `_` and is no keyword.
    fn name(&mut self) -> Option<&'a str> {
        let text = self.text();
        let ok = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && !KEYWORDS.contains(&text);
        self.pos += ok as usize;
        ok.then_some(text)
    }

    /// The step `strict x = e`, for a `Value` e; gives x.
    fn bind(&mut self, e: Expr) -> VarId {
        let x = self.b.var("x", Rep::Value);
        self.steps.push(Step::Let(false, x, e));
        x
    }

    /// Evaluate `e`, which gives `R(token, value)`: its token becomes the current one.
    fn call(&mut self, e: Expr) -> VarId {
        let (t, x, b) = (self.b.var("t", Rep::Value), self.b.var("r", Rep::Value), self.b.var("b", Rep::Value));
        self.steps.push(Step::Unpack(e, b, Pat::Con(RES, vec![t, x])));
        self.token = t;
        x
    }

    /// A definition `let x = e`, `let f x y = e` or `let rec f x y = e`,
    /// whose name stays in scope; gives the depth of the scope before it.
    fn binding(&mut self) -> Result<usize, Error> {
        self.expect("let")?;
        let (depth, rec) = (self.scope.len(), self.eat("rec"));
        let name = self.name().ok_or_else(|| self.fail("a name"))?;
        let x = if !rec && self.eat("=") {
            self.binary(0)?
        } else {
            let f = self.b.var(name, Rep::Value);
            self.scope.extend(rec.then_some((name, f)));
            let lambda = self.lambda("=")?;
            self.steps.push(Step::Let(rec, f, lambda));
            f
        };
        self.scope.push((name, x));
        Ok(depth)
    }

    /// `x y sep body`, a function, as the curried `\x t. R(t, \y t2. body)`.
    fn lambda(&mut self, sep: &str) -> Result<Expr, Error> {
        let param = self.name().ok_or_else(|| self.fail("a parameter"))?;
        let (x, t) = (self.b.var(param, Rep::Value), self.b.var("t", Rep::Value));
        self.scope.push((param, x));
        let body = if self.eat(sep) {
            self.block(0, t)
        } else {
            self.lambda(sep).map(|f| Builder::con(RES, vec![Builder::var_ref(t), f]))
        };
        self.scope.pop();
        Ok(Builder::lam(vec![x, t], body?))
    }

    /// The operators of `LEVELS[level..]` that start with the token `t`, as a
    /// block: a Core expression that gives `R(token, value)`.
    fn block(&mut self, level: usize, t: VarId) -> Result<Expr, Error> {
        let (outer, outer_token) = (take(&mut self.steps), replace(&mut self.token, t));
        let x = self.binary(level)?;
        let t = replace(&mut self.token, outer_token);
        Ok(wrap(replace(&mut self.steps, outer), pair(t, x)))
    }

    /// The operators of `LEVELS[level..]` over applications.
    fn binary(&mut self, level: usize) -> Result<VarId, Error> {
        let Some(ops) = LEVELS.get(level) else { return self.app() };
        let mut x = self.binary(level + 1)?;
        while let Some(&(_, op)) = ops.iter().find(|(name, _)| *name == self.text()) {
            self.pos += 1;
            let y = self.binary(level + 1)?;
            x = match self.b.module().find_def(op) {
                Some(f) => self.bind(Builder::app(Builder::global(f), vec![Builder::var_ref(x), Builder::var_ref(y)])),
                None => y,
            };
        }
        Ok(x)
    }

    /// `f a b`, `-e`, or one of `let ... in`, `fun` and `if`, which extend as
    /// far to the right as they can.
    fn app(&mut self) -> Result<VarId, Error> {
        if self.text() == "let" {
            let depth = self.binding()?;
            self.expect("in")?;
            let body = self.binary(0);
            self.scope.truncate(depth);
            body
        } else if self.eat("fun") {
            let lambda = self.lambda("->")?;
            Ok(self.bind(lambda))
        } else if self.eat("if") {
            let c = self.binary(1)?;
            self.expect("then")?;
            let yes = Alt { pat: Pat::Con(TRUE, vec![]), body: self.block(1, self.token)? };
            self.expect("else")?;
            let no = Alt { pat: Pat::Con(FALSE, vec![]), body: self.block(1, self.token)? };
            let choice = Builder::case(Builder::var_ref(c), self.b.var("c", Rep::Value), vec![yes, no], None);
            Ok(self.call(choice))
        } else if self.eat("-") {
            let (x, neg) = (self.app()?, self.b.module().find_def("ineg").unwrap());
            Ok(self.bind(Builder::app(Builder::global(neg), vec![Builder::var_ref(x)])))
        } else {
            let mut f = self.atom()?.ok_or_else(|| self.fail("an expression"))?;
            while let Some(a) = self.atom()? {
                let args = vec![Builder::var_ref(a), Builder::var_ref(self.token)];
                f = self.call(Builder::app(Builder::var_ref(f), args));
            }
            Ok(f)
        }
    }

    /// An integer, a name or a parenthesised expression, if one starts here.
    fn atom(&mut self) -> Result<Option<VarId>, Error> {
        let (text, at) = self.toks[self.pos];
        if let Ok(n) = text.parse() {
            self.pos += 1;
            Ok(Some(self.bind(Builder::con(INT, vec![Builder::int(n)]))))
        } else if let Some(name) = self.name() {
            let bound = self.scope.iter().rev().find(|(n, _)| *n == name);
            Ok(Some(bound.ok_or_else(|| (at, format!("unbound variable `{name}`")))?.1))
        } else if self.eat("(") {
            let x = self.binary(0)?;
            self.expect(")").map(|()| Some(x))
        } else {
            Ok(None)
        }
    }
}

/// `R(t, x)`: the result of a block.
fn pair(t: VarId, x: VarId) -> Expr {
    Builder::con(RES, vec![Builder::var_ref(t), Builder::var_ref(x)])
}

/// The Core expression of the steps of a block around its result `e`.
fn wrap(steps: Vec<Step>, e: Expr) -> Expr {
    steps.into_iter().rev().fold(e, |e, step| match step {
        // A call in tail position: its result is the block's.
        Step::Unpack(call, _, Pat::Con(RES, fields)) if e == pair(fields[0], fields[1]) => call,
        Step::Let(false, x, bound) => Builder::let_strict(vec![x], bound, e),
        Step::Let(true, f, lambda) => Builder::letrec(vec![(f, lambda)], e),
        Step::Unpack(scrut, b, pat) => Builder::case(scrut, b, vec![Alt { pat, body: e }], None),
    })
}
