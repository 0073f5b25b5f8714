//! Fuzz target: the JSON and YAML loaders on arbitrary bytes.
//!
//! Templates, configuration items and events are untrusted input. Whatever the bytes
//! (invalid UTF-8, deep nesting, alias bombs, odd tags), `load` must return a document or a
//! `LoadError`: no panic may reach the caller, and nothing may hang or overflow the stack.
//!
//! Nothing in the loaders catches a panic (the YAML reader is our own since issue 17), so
//! libFuzzer's panic hook is kept: any panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagerules_data::Format;

fuzz_target!(|bytes: &[u8]| {
    let _ = sagerules_data::load(bytes, Format::Json);
    let _ = sagerules_data::load(bytes, Format::Yaml);
});
