//! Fuzz target: the `.rules` parser and formatter on arbitrary UTF-8.
//!
//! Rules files come from users and from `include`, so the parser must never panic, loop or
//! blow the stack. When a text parses cleanly, its canonical layout must parse cleanly too
//! (the formatter may not print what the parser rejects).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let (file, errors) = sagerules_core::parse(src);
    if !errors.is_empty() {
        return;
    }
    let formatted = sagerules_core::format::format(&file, src);
    let (_, reparse_errors) = sagerules_core::parse(&formatted);
    assert!(
        reparse_errors.is_empty(),
        "formatted output does not parse: {reparse_errors:?}\n--- formatted ---\n{formatted}"
    );
});
