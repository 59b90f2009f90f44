//! Properties of the text form and the verifier on random modules, with a
//! fixed seed so CI is reproducible.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use lull_middle::core::{parse::parse_module, print::print_module, verify::verify_module};

use crate::alpha::alpha_eq;
use crate::gen::{self, Rng};

fn runner(cases: u32) -> TestRunner {
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

/// Generated modules verify, and print → parse gives the same module (up to
/// `VarId` renumbering) and the same text.
#[test]
fn generated_modules_verify_and_round_trip() {
    let mut runner = runner(600);
    let result = runner.run(&(any::<u64>(), 1usize..60), |(seed, size)| {
        let m = gen::module(seed, size);
        let printed = print_module(&m);
        if let Err(errs) = verify_module(&m) {
            let errs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            return Err(fail(format!("generated module does not verify:\n{}\n{printed}", errs.join("\n"))));
        }
        let parsed = parse_module(&printed).map_err(|e| fail(format!("{e}\n{printed}")))?;
        let reprinted = print_module(&parsed);
        prop_assert_eq!(&reprinted, &printed);
        alpha_eq(&m, &parsed).map_err(|e| fail(format!("{e}\n{printed}")))?;
        prop_assert!(verify_module(&parsed).is_ok());
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Mutate printed text in a few ways that tend to reach odd parser states.
fn mutate(rng: &mut Rng, text: &str) -> String {
    const SNIPPETS: &[&str] = &[
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        "letrec ",
        "let ",
        " in ",
        "\\",
        ".",
        "@",
        "`",
        "\"",
        ";",
        "\n",
        "case ",
        " as ",
        "->",
        "_",
        "x",
        "-",
        "nan0x",
        "1e",
        "Cons(",
        "str[",
        "error[",
        ":",
        "i64",
        "99999999999999999999",
        "strict (",
        "def ",
        "data ",
        "\\u{",
        "λ",
        "\u{0}",
        "-inf",
        "0.5",
    ];
    let chars: Vec<char> = text.chars().collect();
    let at = |rng: &mut Rng| rng.below(chars.len() + 1);
    match rng.below(6) {
        0 => chars[..at(rng)].iter().collect(),
        1 => {
            let (i, j) = (at(rng), at(rng));
            let (i, j) = (i.min(j), i.max(j).min(i.min(j) + 8));
            chars[..i].iter().chain(&chars[j..]).collect()
        }
        2 | 3 => {
            let i = at(rng);
            let mut s: String = chars[..i].iter().collect();
            s.push_str(SNIPPETS[rng.below(SNIPPETS.len())]);
            s.extend(&chars[i..]);
            s
        }
        4 => {
            // Swap two lines.
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 1 {
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(i, j);
            }
            lines.join("\n")
        }
        _ => {
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// Arbitrary text never makes the parser panic; whatever parses goes
/// through the verifier and the printer without panicking, and its printed
/// form parses back to the same text.
#[test]
fn mutated_text_never_panics() {
    let mut runner = runner(300);
    let result = runner.run(&(any::<u64>(), 1usize..30), |(seed, size)| {
        let printed = print_module(&gen::module(seed, size));
        let mut rng = Rng::new(seed ^ 0x5eed);
        let mut text = printed.clone();
        for round in 0..12 {
            text = if round % 4 == 0 { mutate(&mut rng, &printed) } else { mutate(&mut rng, &text) };
            if let Ok(m) = parse_module(&text) {
                let _ = verify_module(&m);
                let p1 = print_module(&m);
                let m2 = parse_module(&p1).map_err(|e| fail(format!("{e}\nreprinted:\n{p1}\nfrom:\n{text}")))?;
                prop_assert_eq!(print_module(&m2), p1);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
