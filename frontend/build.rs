//! Generates the λ dialect's LR parser from `src/**/*.lalrpop` into `OUT_DIR`.

fn main() {
    println!("cargo:rerun-if-changed=src/lambda/grammar.lalrpop");
    println!("cargo:rerun-if-changed=src/lull/grammar.lalrpop");
    if let Err(e) = lalrpop::Configuration::new().use_cargo_dir_conventions().emit_rerun_directives(true).process() {
        eprintln!("lalrpop failed: {e}");
        std::process::exit(1);
    }
}
