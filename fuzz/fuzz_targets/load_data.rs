//! Fuzz target: the JSON and YAML loaders on arbitrary bytes.
//!
//! Templates, configuration items and events are untrusted input. Whatever the bytes
//! (invalid UTF-8, deep nesting, alias bombs, odd tags), `load` must return a document or a
//! `LoadError`: no panic may reach the caller, and nothing may hang or overflow the stack.
//!
//! libyaml-safer 0.3 panics on a few inputs (`[!a,]`), and the YAML loader catches those
//! panics and returns them as errors. libFuzzer's panic hook would abort on such a caught
//! panic, so by default this target installs a silent hook: only a panic that escapes `load`
//! counts as a crash. `FUZZ_STRICT_PANICS=1` keeps libFuzzer's hook, to hunt the caught ones too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagerules_data::Format;
use std::sync::Once;

static HOOK: Once = Once::new();

fuzz_target!(|bytes: &[u8]| {
    HOOK.call_once(|| {
        if std::env::var_os("FUZZ_STRICT_PANICS").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
    });
    let _ = sagerules_data::load(bytes, Format::Json);
    let _ = sagerules_data::load(bytes, Format::Yaml);
});
