//! `lull-embed`: run compiled Lull crates inside a Rust program.
//!
//! A crate is a shared object built by `lull build --crate Foo.lull -o
//! libFoo.so` from a Lull module; its exported functions take and return
//! values built from `Int`, `Double`, `Bool`, `Char`, `String`, `()`, lists
//! and tuples ([`Value`]). This crate links the Lull runtime (compiled from
//! `rt/src` by its build script) and wraps its C embedding API
//! (`rt/include/lull_embed.h`) safely:
//!
//! ```no_run
//! use lull_embed::{Runtime, Value};
//!
//! let rt = Runtime::new()?;
//! let mut words = rt.open("./libWords.so")?;
//! let freq: Vec<(String, i64)> = words.call("wordFreq", &["the cat and the hat".into()])?.try_into()?;
//! assert_eq!(freq[0], ("and".to_string(), 1));
//! # Ok::<(), lull_embed::Error>(())
//! ```
//!
//! Errors — a missing file, a file that is not a crate, a crate compiled
//! for another runtime, a wrong call, and every failure of the Lull code
//! itself (`error`, a failed match, a limit of the [`Config`]) — are
//! [`Error`] values: the host process is never ended by a crate. After a
//! failed call the crate starts afresh.
//!
//! A [`Runtime`] and its crates are used from one thread at a time (a
//! runtime is [`Send`], not [`Sync`]); separate runtimes share no state.

use std::ffi::{c_char, c_int, CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::ptr;

mod sys;

/// A failure of the runtime or of the Lull code, with the runtime's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Takes the message the C API stored in `err` (and frees it).
fn take_error(err: *mut c_char, what: &str) -> Error {
    if err.is_null() {
        return Error(format!("{what} failed (out of memory?)"));
    }
    // SAFETY: the API stores a NUL-terminated malloc'd string, ours to free.
    let msg = unsafe { CStr::from_ptr(err) }.to_string_lossy().into_owned();
    unsafe { sys::free(err.cast()) };
    Error(msg)
}

/// The limits of a runtime; each crate's calls run within them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Bytes of heap and stacks per crate; 0: the default (4 GiB).
    pub max_memory: u64,
    /// Closure entries per call; 0: no limit.
    pub max_steps: u64,
}

/// A Lull runtime: the crates it opens, their heaps and limits.
pub struct Runtime {
    raw: *mut sys::lull_runtime,
}

// SAFETY: a runtime's state is reached only through it; moving it to
// another thread is fine as long as it is used from one thread at a time,
// which `!Sync` (from the raw pointer) ensures.
unsafe impl Send for Runtime {}

impl Runtime {
    /// A runtime with the default limits.
    pub fn new() -> Result<Runtime, Error> {
        Runtime::with_config(Config::default())
    }

    /// A runtime with the limits of `config`.
    pub fn with_config(config: Config) -> Result<Runtime, Error> {
        let cfg = sys::lull_config { max_memory: config.max_memory, max_steps: config.max_steps };
        // SAFETY: cfg outlives the call; the API copies it.
        let raw = unsafe { sys::lull_runtime_new(&cfg) };
        if raw.is_null() {
            return Err(Error("cannot make a Lull runtime: out of memory".into()));
        }
        Ok(Runtime { raw })
    }

    /// Loads the crate at `path`.
    pub fn open(&self, path: impl AsRef<Path>) -> Result<Crate<'_>, Error> {
        let path = path.as_ref();
        let c_path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error(format!("the crate path {} contains a NUL byte", path.display())))?;
        let mut err = ptr::null_mut();
        // SAFETY: self.raw is live; c_path outlives the call.
        let raw = unsafe { sys::lull_crate_open(self.raw, c_path.as_ptr(), &mut err) };
        if raw.is_null() {
            return Err(take_error(err, "opening the crate"));
        }
        Ok(Crate { raw, _runtime: PhantomData })
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // SAFETY: every Crate borrowed self and is gone.
        unsafe { sys::lull_runtime_free(self.raw) }
    }
}

/// A crate loaded into a [`Runtime`].
pub struct Crate<'rt> {
    raw: *mut sys::lull_crate,
    _runtime: PhantomData<&'rt Runtime>,
}

impl Crate<'_> {
    /// The functions the crate exports: (name, type in Haskell syntax).
    pub fn exports(&self) -> Vec<(String, String)> {
        // SAFETY: self.raw is live; the strings live as long as the crate.
        let n = unsafe { sys::lull_crate_exports(self.raw) };
        (0..n)
            .map(|i| unsafe {
                let name = CStr::from_ptr(sys::lull_crate_export_name(self.raw, i)).to_string_lossy().into_owned();
                let ty = CStr::from_ptr(sys::lull_crate_export_type(self.raw, i)).to_string_lossy().into_owned();
                (name, ty)
            })
            .collect()
    }

    /// Calls the exported function `name` and returns its result in normal
    /// form.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Value, Error> {
        let c_name = CString::new(name).map_err(|_| Error(format!("the name {name:?} contains a NUL byte")))?;
        let raw_args: Vec<Owned> = args.iter().map(Owned::from_value).collect::<Result<_, _>>()?;
        let ptrs: Vec<*mut sys::lull_value> = raw_args.iter().map(|a| a.0).collect();
        let mut err = ptr::null_mut();
        // SAFETY: self.raw is live; the arguments stay alive (owned by
        // raw_args) across the call, which does not consume them.
        let r = unsafe { sys::lull_call(self.raw, c_name.as_ptr(), ptrs.len(), ptrs.as_ptr(), &mut err) };
        if r.is_null() {
            return Err(take_error(err, "the call"));
        }
        let r = Owned(r);
        // SAFETY: r is a live value tree.
        Ok(unsafe { to_value(r.0) })
    }
}

impl Drop for Crate<'_> {
    fn drop(&mut self) {
        // SAFETY: self.raw is live and closed once.
        unsafe { sys::lull_crate_close(self.raw) }
    }
}

/// A value passed to or returned by a crate's function.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `Int`.
    Int(i64),
    /// `Double`.
    Double(f64),
    /// `Bool`.
    Bool(bool),
    /// `Char`.
    Char(char),
    /// `String`.
    String(String),
    /// A list of any element type but `Char`.
    List(Vec<Value>),
    /// A tuple; `()` is the tuple of no items.
    Tuple(Vec<Value>),
}

/// A value tree of the C API, freed on drop.
struct Owned(*mut sys::lull_value);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: we own the tree.
        unsafe { sys::lull_value_free(self.0) }
    }
}

impl Owned {
    fn from_value(v: &Value) -> Result<Owned, Error> {
        let oom = || Error("out of memory building a value".into());
        // SAFETY: constructors return fresh trees (or NULL); lull_list and
        // lull_tuple take ownership of the items, so those are released
        // from their Owned before the call.
        let raw = unsafe {
            match v {
                Value::Int(n) => sys::lull_int(*n),
                Value::Double(x) => sys::lull_double(*x),
                Value::Bool(b) => sys::lull_bool(c_int::from(*b)),
                Value::Char(c) => sys::lull_char(u32::from(*c)),
                Value::String(s) => sys::lull_string_n(s.as_ptr().cast(), s.len()),
                Value::List(xs) | Value::Tuple(xs) => {
                    let items: Vec<Owned> = xs.iter().map(Owned::from_value).collect::<Result<_, _>>()?;
                    let ptrs: Vec<*mut sys::lull_value> = items.iter().map(|o| o.0).collect();
                    let r = if matches!(v, Value::List(_)) {
                        sys::lull_list(ptrs.len(), ptrs.as_ptr())
                    } else {
                        sys::lull_tuple(ptrs.len(), ptrs.as_ptr())
                    };
                    if !r.is_null() {
                        items.into_iter().for_each(std::mem::forget);
                    }
                    r
                }
            }
        };
        if raw.is_null() {
            return Err(oom());
        }
        Ok(Owned(raw))
    }
}

/// # Safety
/// `v` is a live value tree.
unsafe fn to_value(v: *const sys::lull_value) -> Value {
    match sys::lull_kind_of(v) {
        sys::LULL_INT => Value::Int(sys::lull_as_int(v)),
        sys::LULL_DOUBLE => Value::Double(sys::lull_as_double(v)),
        sys::LULL_BOOL => Value::Bool(sys::lull_as_bool(v) != 0),
        sys::LULL_CHAR => Value::Char(char::from_u32(sys::lull_as_char(v)).unwrap_or('\u{FFFD}')),
        sys::LULL_STRING => {
            let mut len = 0;
            let p = sys::lull_as_string(v, &mut len);
            let bytes = if p.is_null() { &[][..] } else { std::slice::from_raw_parts(p.cast::<u8>(), len) };
            Value::String(String::from_utf8_lossy(bytes).into_owned())
        }
        kind => {
            let items = (0..sys::lull_length(v)).map(|i| to_value(sys::lull_item(v, i))).collect();
            if kind == sys::LULL_LIST {
                Value::List(items)
            } else {
                Value::Tuple(items)
            }
        }
    }
}

impl fmt::Display for Value {
    /// As Haskell's `show` prints the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owned = Owned::from_value(self).map_err(|_| fmt::Error)?;
        // SAFETY: owned is live; the shown text is malloc'd and ours.
        let s = unsafe { sys::lull_value_show(owned.0) };
        if s.is_null() {
            return Err(fmt::Error);
        }
        let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
        unsafe { sys::free(s.cast()) };
        f.write_str(&text)
    }
}

macro_rules! from_scalar {
    ($($t:ty => $k:ident $(as $c:ty)?),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$k(x $(as $c)?)
            }
        }
    )*};
}
from_scalar!(i64 => Int, i32 => Int as i64, f64 => Double, bool => Bool, char => Char, String => String);

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<()> for Value {
    fn from(_: ()) -> Value {
        Value::Tuple(Vec::new())
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(xs: Vec<T>) -> Value {
        Value::List(xs.into_iter().map(Into::into).collect())
    }
}

fn mismatch(want: &str, got: &Value) -> Error {
    Error(format!("expected {want}, got {got}"))
}

macro_rules! try_scalar {
    ($($t:ty => $k:ident, $want:literal);*) => {$(
        impl TryFrom<Value> for $t {
            type Error = Error;
            fn try_from(v: Value) -> Result<$t, Error> {
                match v {
                    Value::$k(x) => Ok(x),
                    other => Err(mismatch($want, &other)),
                }
            }
        }
    )*};
}
try_scalar!(i64 => Int, "an Int"; f64 => Double, "a Double"; bool => Bool, "a Bool"; char => Char, "a Char";
            String => String, "a String");

impl<T: TryFrom<Value, Error = Error>> TryFrom<Value> for Vec<T> {
    type Error = Error;
    fn try_from(v: Value) -> Result<Vec<T>, Error> {
        match v {
            Value::List(xs) => xs.into_iter().map(T::try_from).collect(),
            // The empty String is also the empty list.
            Value::String(s) if s.is_empty() => Ok(Vec::new()),
            other => Err(mismatch("a list", &other)),
        }
    }
}

macro_rules! tuples {
    ($($n:literal: $($t:ident $i:tt),*);*) => {$(
        impl<$($t: Into<Value>),*> From<($($t,)*)> for Value {
            fn from(x: ($($t,)*)) -> Value {
                Value::Tuple(vec![$(x.$i.into()),*])
            }
        }
        impl<$($t: TryFrom<Value, Error = Error>),*> TryFrom<Value> for ($($t,)*) {
            type Error = Error;
            fn try_from(v: Value) -> Result<($($t,)*), Error> {
                match v {
                    Value::Tuple(xs) if xs.len() == $n => {
                        let mut it = xs.into_iter();
                        Ok(($($t::try_from(it.next().ok_or_else(|| Error("short tuple".into()))?)?,)*))
                    }
                    other => Err(mismatch(concat!("a tuple of ", $n), &other)),
                }
            }
        }
    )*};
}
tuples!(2: A 0, B 1; 3: A 0, B 1, C 2; 4: A 0, B 1, C 2, D 3);
