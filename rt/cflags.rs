// The C compiler flags of the runtime, in one place for every build of
// `rt/`: `include!`d by llvm-backend/build.rs (the libraries embedded in
// `lull`), embed/build.rs (the runtime linked into `lull-embed`) and
// xtask/src/rt.rs (the runtime's tests and `cargo xtask rt`). The runtime's
// files define `_GNU_SOURCE` themselves, so it is not passed.

/// The normal runtime.
#[allow(dead_code)]
pub const RT_CFLAGS: &[&str] = &["-std=c11", "-O2", "-fno-omit-frame-pointer", "-Wall", "-Wextra"];

/// The runtime built with AddressSanitizer and UndefinedBehaviorSanitizer.
#[allow(dead_code)]
pub const RT_ASAN_CFLAGS: &[&str] =
    &["-std=c11", "-O1", "-g", "-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-Wall", "-Wextra"];

/// The libraries the runtime needs, after it on a link line.
#[allow(dead_code)]
pub const RT_LIBS: &[&str] = &["-lpthread", "-lm"];
