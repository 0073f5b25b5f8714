//! Fuzz target: wherever our YAML reader accepts the input, libyaml-safer must read the same
//! tree from it (values, long forms of tags, every position) with the same warnings.
//!
//! libyaml-safer 0.3 panics on a few inputs, so the reference is run under `catch_unwind`
//! here (this crate is its own workspace, outside the product); an input on which it panics
//! is skipped. Our reader runs outside that net.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sagerules_data::{load_yaml_with, YamlReader};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

static HOOK: Once = Once::new();

fuzz_target!(|bytes: &[u8]| {
    // `None`: declined; `Some(Err)`: not UTF-8, which both readers refuse alike.
    let Some(Ok(fast)) = load_yaml_with(YamlReader::Fast, bytes) else {
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
    let reference = catch_unwind(AssertUnwindSafe(|| {
        load_yaml_with(YamlReader::Libyaml, bytes)
    }));
    let Ok(Some(reference)) = reference else {
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
