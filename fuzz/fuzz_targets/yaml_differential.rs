//! Fuzz target: wherever our YAML reader accepts the input, libyaml-safer must read the same
//! tree from it (values, long forms of tags, every position) with the same warnings.
//!
//! libyaml-safer 0.3 panics on a few inputs, so the reference runs on a thread of its own and
//! an input on which it panics is skipped (the panic hook stays quiet for its panics only).
//! Our reader runs on the fuzzing thread: a panic there is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagerules_data::{load_yaml_with, YamlReader};
use std::sync::Once;

static HOOK: Once = Once::new();

fuzz_target!(|input: &[u8]| {
    // The reference reads text given a final line break (libyaml-safer panics on some text
    // without one), which moves what sits at the very end to the next line: compare on text
    // that has one, as the differential test does.
    let with_break;
    let bytes = if input.ends_with(b"\n") || input.is_empty() {
        input
    } else {
        with_break = [input, b"\n"].concat();
        &with_break[..]
    };
    // Where ours refuses, only its not panicking is checked (by reaching this line).
    let Ok(fast) = load_yaml_with(YamlReader::Fast, bytes) else {
        return;
    };
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Quiet for the reference's own panics, loud for ours (the assertion below).
            let ours = info.location().is_some_and(|l| l.file().contains("yaml_differential"));
            if ours {
                default(info);
            }
        }));
    });
    let owned = bytes.to_vec();
    let reference = std::thread::spawn(move || load_yaml_with(YamlReader::Libyaml, &owned)).join();
    let Ok(reference) = reference else {
        return;
    };
    match reference {
        Ok(reference) => {
            let same_tree = fast.node == reference.node || nan_somewhere(&fast.node);
            assert!(same_tree, "trees differ:\nours {:?}\nlibyaml {:?}", fast.node, reference.node);
            assert_eq!(fast.warnings, reference.warnings, "warnings differ");
        }
        Err(error) => panic!("ours accepted, libyaml refused ({error}): {:?}", fast.node),
    }
});

/// `.nan` never equals itself; such trees are compared by the corpus test instead.
fn nan_somewhere(node: &sagerules_data::Node) -> bool {
    sagerules_data::to_json(node).contains("NaN") || format!("{node:?}").contains("NaN")
}
