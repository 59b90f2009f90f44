//! The C embedding API of `rt/include/lull_embed.h`, declared by hand (it
//! is small; the test `embed_header_matches` checks every name here is in
//! the header).

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_void};

#[repr(C)]
pub struct lull_runtime {
    _private: [u8; 0],
}

#[repr(C)]
pub struct lull_crate {
    _private: [u8; 0],
}

#[repr(C)]
pub struct lull_value {
    _private: [u8; 0],
}

#[repr(C)]
pub struct lull_config {
    pub max_memory: u64,
    pub max_steps: u64,
}

/// `lull_kind`.
pub type lull_kind = c_int;
pub const LULL_INT: lull_kind = 0;
pub const LULL_DOUBLE: lull_kind = 1;
pub const LULL_BOOL: lull_kind = 2;
pub const LULL_CHAR: lull_kind = 3;
pub const LULL_STRING: lull_kind = 4;
pub const LULL_LIST: lull_kind = 5;

extern "C" {
    pub fn lull_runtime_new(cfg: *const lull_config) -> *mut lull_runtime;
    pub fn lull_runtime_free(rt: *mut lull_runtime);
    pub fn lull_crate_open(rt: *mut lull_runtime, path: *const c_char, err: *mut *mut c_char) -> *mut lull_crate;
    pub fn lull_crate_close(c: *mut lull_crate);
    pub fn lull_crate_exports(c: *const lull_crate) -> usize;
    pub fn lull_crate_export_name(c: *const lull_crate, i: usize) -> *const c_char;
    pub fn lull_crate_export_type(c: *const lull_crate, i: usize) -> *const c_char;
    pub fn lull_call(
        c: *mut lull_crate,
        name: *const c_char,
        argc: usize,
        argv: *const *mut lull_value,
        err: *mut *mut c_char,
    ) -> *mut lull_value;
    pub fn lull_int(n: i64) -> *mut lull_value;
    pub fn lull_double(x: f64) -> *mut lull_value;
    pub fn lull_bool(b: c_int) -> *mut lull_value;
    pub fn lull_char(c: u32) -> *mut lull_value;
    pub fn lull_string_n(utf8: *const c_char, len: usize) -> *mut lull_value;
    pub fn lull_list(n: usize, items: *const *mut lull_value) -> *mut lull_value;
    pub fn lull_tuple(n: usize, items: *const *mut lull_value) -> *mut lull_value;
    pub fn lull_kind_of(v: *const lull_value) -> lull_kind;
    pub fn lull_as_int(v: *const lull_value) -> i64;
    pub fn lull_as_double(v: *const lull_value) -> f64;
    pub fn lull_as_bool(v: *const lull_value) -> c_int;
    pub fn lull_as_char(v: *const lull_value) -> u32;
    pub fn lull_as_string(v: *const lull_value, len: *mut usize) -> *const c_char;
    pub fn lull_length(v: *const lull_value) -> usize;
    pub fn lull_item(v: *const lull_value, i: usize) -> *const lull_value;
    pub fn lull_value_show(v: *const lull_value) -> *mut c_char;
    pub fn lull_value_free(v: *mut lull_value);
    pub fn free(p: *mut c_void);
}
