//! Two dialects of one language. A `.guard` file is read as CloudFormation Guard 3.2.1 reads
//! it, quirks included, so the public Guard rules run unchanged; a `.rules` file keeps the
//! sagerules semantics of `docs/semantics.md`. Each source of a [`crate::RuleSet`] keeps its
//! own dialect (a `.rules` file may `include` a `.guard` file), and a run may force one for
//! every file (`--dialect`).
//!
//! | | sagerules (`.rules`) | Guard (`.guard`) |
//! |---|---|---|
//! | a key missing from a map | missing | retried in camel, class, kebab, pascal, snake, title and train case; the first spelling that is found is kept for the rest of the key chain |
//!
//! Both dialects read a `{` that starts no repetition as a literal brace in regexes
//! (`/{{resolve:ssm:.*}}/`), as Guard's engine does.

/// How a rules source is evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// The sagerules semantics (`docs/semantics.md`).
    #[default]
    Sagerules,
    /// CloudFormation Guard 3.2.1's semantics.
    Guard,
}

impl Dialect {
    /// The dialect a file's name asks for: `rules/s3.guard` → Guard, anything else sagerules.
    pub fn of_file(name: &str) -> Dialect {
        let guard = name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("guard"));
        if guard {
            Dialect::Guard
        } else {
            Dialect::Sagerules
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sagerules => "sagerules",
            Dialect::Guard => "guard",
        }
    }
}

/// Guard's retry of a missing key, in the order Guard tries the case styles.
const CONVERTERS: [fn(&str) -> String; 7] = [
    cruet::case::camel::to_camel_case,
    cruet::case::class::to_class_case,
    cruet::case::kebab::to_kebab_case,
    cruet::case::pascal::to_pascal_case,
    cruet::case::snake::to_snake_case,
    cruet::case::title::to_title_case,
    cruet::case::train::to_train_case,
];

/// Which converter found a key (an index into Guard's list), kept for the next keys.
pub(crate) type Converter = u8;

/// `key` in another case style that `present` accepts: the chosen converter's spelling when
/// one was chosen earlier in the chain, else the first converter whose spelling is present.
///
/// `("masterUserPassword", None)` with `MasterUserPassword` in the map → that spelling and
/// the class-case converter.
pub(crate) fn retry_key(
    key: &str,
    chosen: Option<Converter>,
    present: impl Fn(&str) -> bool,
) -> Option<(String, Converter)> {
    let try_one = |index: Converter| {
        let convert = CONVERTERS.get(usize::from(index))?;
        let spelled = convert(key);
        present(&spelled).then_some((spelled, index))
    };
    match chosen {
        Some(index) => try_one(index),
        None => (0..CONVERTERS.len() as Converter).find_map(try_one),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_extension_picks_the_dialect() {
        assert_eq!(Dialect::of_file("rules/s3.guard"), Dialect::Guard);
        assert_eq!(Dialect::of_file("x.GUARD"), Dialect::Guard);
        assert_eq!(Dialect::of_file("rules/nb.rules"), Dialect::Sagerules);
        assert_eq!(Dialect::of_file("-"), Dialect::Sagerules);
    }

    #[test]
    fn a_missing_key_is_found_in_another_case_style_and_the_style_is_kept() {
        let keys = ["Ref", "cfn-nag", "MasterUserPassword"];
        let present = |k: &str| keys.contains(&k);
        let (found, converter) = retry_key("ref", None, present).unwrap();
        assert_eq!(found, "Ref");
        assert_eq!(retry_key("cfn_nag", None, present).unwrap().0, "cfn-nag");
        assert_eq!(
            retry_key("master_user_password", Some(converter), present).map(|f| f.0),
            Some("MasterUserPassword".to_string())
        );
        assert_eq!(retry_key("nothing", None, present), None);
    }
}
