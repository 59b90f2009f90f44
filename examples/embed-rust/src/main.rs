//! Loads the Lull crate built from `examples/Words.lull` and calls its
//! functions through `lull-embed`. Built and run by `cargo xtask test`; by
//! hand:
//!
//! ```text
//! lull build --crate examples/Words.lull -o libWords.so
//! cargo run -p embed-rust -- ./libWords.so "the cat and the hat"
//! ```

use lull_embed::{Error, Runtime, Value};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: {} CRATE TEXT", args[0]);
        std::process::exit(2);
    }
    if let Err(e) = run(&args[1], &args[2]) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

fn run(path: &str, text: &str) -> Result<(), Error> {
    let rt = Runtime::new()?;
    let mut words = rt.open(path)?;
    for (name, ty) in words.exports() {
        println!("{name} :: {ty}");
    }
    let freq: Vec<(String, i64)> = words.call("wordFreq", &[text.into()])?.try_into()?;
    for (word, n) in &freq {
        println!("{word:<8} {n}");
    }
    // A Lull error is an `Err`; the crate goes on working.
    match words.call("longest", &["".into()]) {
        Ok(v) => println!("longest \"\": {v}?"),
        Err(e) => println!("longest \"\": {e}"),
    }
    println!("longest: {}", words.call("longest", &[text.into()])?);
    let mean = words.call("mean", &[Value::from(vec![1.0, 2.0, 4.5])])?;
    println!("mean: {mean}");
    Ok(())
}
