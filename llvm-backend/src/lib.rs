//! `lull-llvm`: the LLVM back end.
