//! Deep and wide inputs: the front end must neither overflow the stack nor
//! take long. Each case runs on a thread with a 2 MB stack, Rust's default
//! for spawned threads, so a recursion on the depth of the input would
//! abort the test binary.

use lull_frontend::diagnostic::render;
use lull_frontend::lambda::{compile, parse, MAX_NESTING};
use lull_middle::core::ir::Expr;

const N: usize = 100_000;

/// Runs `f` on a thread with a 2 MB stack and returns its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new().stack_size(2 << 20).spawn(f);
    match handle {
        Ok(h) => match h.join() {
            Ok(v) => v,
            Err(_) => panic!("the front end panicked"),
        },
        Err(e) => panic!("cannot spawn a thread: {e}"),
    }
}

/// Compiles `src`, renders any errors, and returns the first message
/// (`None` when it compiled).
fn first_error(src: String) -> Option<String> {
    on_small_stack(move || match compile(&src) {
        Ok(_) => None,
        Err(d) => {
            let text = render(&d, "deep.lc", &src);
            assert!(text.starts_with("Error: "));
            Some(d[0].message.clone())
        }
    })
}

#[test]
fn nested_parentheses_are_free() {
    let src = format!("λ x. {}x{}", "(".repeat(N), ")".repeat(N));
    assert_eq!(first_error(src), None);
}

#[test]
fn nested_lambdas_hit_the_limit() {
    let src = format!("{}x", "λ x. ".repeat(N));
    assert_eq!(first_error(src), Some(format!("term nested too deeply ({N} levels; the limit is {MAX_NESTING})")));
}

#[test]
fn nested_arguments_hit_the_limit() {
    let src = format!("λ f x. {}x{}", "f (".repeat(N), ")".repeat(N));
    assert_eq!(
        first_error(src),
        Some(format!("term nested too deeply ({} levels; the limit is {MAX_NESTING})", N + 1))
    );
}

#[test]
fn wide_application_is_flat() {
    let src = format!("λ f. f{}", " f".repeat(N));
    assert_eq!(first_error(src), None);
}

#[test]
fn left_nested_application_is_flattened() {
    let src = format!("λ f. {}f{}", "(".repeat(N), " f)".repeat(N));
    let args = on_small_stack(move || {
        let c = compile(&src).map_err(|d| d[0].message.clone());
        c.map(|c| match &c.module.def(c.entry).body {
            Expr::Lam(_, b) => match &**b {
                Expr::App(_, args) => args.len(),
                _ => 0,
            },
            _ => 0,
        })
    });
    assert_eq!(args, Ok(N));
}

#[test]
fn many_binders_and_definitions() {
    let binders: String = (0..N).map(|i| format!(" x{i}")).collect();
    let uses: String = (0..N).step_by(7).map(|i| format!(" x{i}")).collect();
    assert_eq!(first_error(format!("λ{binders}. x0{uses}")), None);
    let mut defs = String::from("d0 = λ x. x;\n");
    for i in 1..N {
        defs.push_str(&format!("d{i} = d{} d0;\n", i - 1));
    }
    defs.push_str(&format!("d{}", N - 1));
    assert_eq!(first_error(defs), None);
}

#[test]
fn unclosed_and_unfinished() {
    assert_eq!(first_error("(".repeat(N)), Some("unexpected end of input".to_string()));
    assert_eq!(first_error("λ".repeat(N)), Some("unexpected `λ`".to_string()));
    assert_eq!(first_error(")".repeat(N)), Some("unexpected `)`".to_string()));
    assert_eq!(first_error(format!("λ x. {}", "/- ".repeat(N))), Some("unclosed comment".to_string()));
    assert_eq!(first_error("+".repeat(N)), Some("invalid characters `++++++++++++++++` ...".to_string()));
    assert_eq!(first_error(format!("λ x. {}", "y".repeat(10 * N))).map(|m| m.len()), Some(10 * N + 19));
}

#[test]
fn depth_at_the_limit_lowers_on_a_small_stack() {
    // Alternate λ bodies and argument positions up to exactly the limit.
    let mut src = String::new();
    let mut depth = 0;
    let mut closers = 0;
    while depth + 2 <= MAX_NESTING {
        src.push_str("λ x. x (");
        depth += 2;
        closers += 1;
    }
    src.push('x');
    src.push_str(&")".repeat(closers));
    let defs = on_small_stack(move || {
        let p = parse(&src).map_err(|d| d[0].message.clone())?;
        let c = lull_frontend::lambda::lower(&p).map_err(|d| d[0].message.clone())?;
        Ok::<usize, String>(c.module.defs.len())
    });
    assert_eq!(defs, Ok(1));
}
