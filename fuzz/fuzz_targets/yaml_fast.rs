//! Fuzz target: our YAML reader (`sagerules-data/src/yaml/fast.rs`) alone, on arbitrary bytes.
//!
//! The reader must accept or decline whatever it is given: no panic (libFuzzer's panic hook is
//! kept, so any panic is a crash), no hang, no stack overflow. Nothing here catches a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagerules_data::{load_yaml_with, YamlReader};

fuzz_target!(|bytes: &[u8]| {
    let _ = load_yaml_with(YamlReader::Fast, bytes);
});
