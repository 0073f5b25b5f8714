//! Where files reached *from* other files may be read: an `include` in a rules file, a Service
//! Catalog product template or a nested stack named in a template. Files named on the command
//! line are the user's choice; files named inside a file are the file author's, so a rules file
//! or template from a pull request cannot make the gate read `/etc/passwd` or `../secret.txt`
//! and echo it in an error.
//!
//! A reached file must be under the root (`--root DIR`, else the current directory), after
//! symbolic links and `..` are resolved, unless `--allow-outside` is given; and it must have the
//! extension of its kind (`.rules`/`.guard` for includes, a data extension for templates), so
//! that an error can quote its lines without quoting some other file.

use crate::inputs;
use std::path::{Path, PathBuf};

/// The rule for reached files.
#[derive(Clone, Debug)]
pub struct Confine {
    /// The root, resolved; `None` when anything may be reached.
    root: Option<PathBuf>,
    shown: String,
}

impl Default for Confine {
    /// Confined to the current directory.
    fn default() -> Self {
        Confine::new(None, false)
    }
}

impl Confine {
    /// `root` (default: the current directory), or no confinement with `allow_outside`.
    pub fn new(root: Option<&Path>, allow_outside: bool) -> Confine {
        let given = root.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let shown = if root.is_some() {
            inputs::display_path(&given)
        } else {
            "the current directory".to_string()
        };
        let root = (!allow_outside).then(|| given.canonicalize().unwrap_or(given));
        Confine { root, shown }
    }

    /// May `path` (named inside another file) be read as a file with one of `extensions`?
    /// The reason when not: `it is outside the root (the current directory); pass --root DIR
    /// or --allow-outside to follow it`.
    pub fn check(&self, path: &Path, extensions: &[&str]) -> Result<(), String> {
        if !inputs::has_extension(path, extensions) {
            let endings: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
            return Err(format!(
                "only files ending in {} are followed",
                endings.join(", ")
            ));
        }
        let Some(root) = &self.root else {
            return Ok(());
        };
        // A file that does not exist is left to the read, which says so.
        let Ok(resolved) = path.canonicalize() else {
            return Ok(());
        };
        if resolved.starts_with(root) {
            Ok(())
        } else {
            Err(format!(
                "it is outside the root ({}); pass --root DIR or --allow-outside to follow it",
                self.shown
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_path_escape_is_refused_and_a_file_inside_is_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fs::create_dir_all(root.join("rules")).unwrap();
        fs::write(root.join("rules/a.rules"), "").unwrap();
        fs::write(dir.path().join("secret.rules"), "").unwrap();
        let confine = Confine::new(Some(&root), false);
        assert_eq!(
            confine.check(&root.join("rules/a.rules"), &["rules"]),
            Ok(())
        );
        let escape = root.join("rules/../../secret.rules");
        let error = confine.check(&escape, &["rules"]).unwrap_err();
        assert!(error.contains("outside the root"), "{error}");
        assert_eq!(Confine::new(None, true).check(&escape, &["rules"]), Ok(()));
    }

    #[test]
    fn a_file_of_another_kind_is_never_read() {
        let error = Confine::new(None, true)
            .check(Path::new("/etc/passwd"), &["rules", "guard"])
            .unwrap_err();
        assert!(
            error.contains("only files ending in .rules, .guard"),
            "{error}"
        );
    }
}
