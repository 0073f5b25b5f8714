//! Which files a command works on, and reading them. `sagerules check templates/` walks the
//! directory (recursively, in sorted order, so output is the same on every machine) and keeps
//! the files with a data extension; a file named on the command line is always taken, whatever
//! its extension; `-` is standard input. A path that does not exist is an error for that path
//! only: the other inputs are still processed.

use crate::diag::{line_col, Diag};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Extensions of data files taken from directories.
pub const DATA_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "jsn", "template"];
/// Extensions of rules files taken from directories.
pub const RULES_EXTENSIONS: &[&str] = &["rules", "guard"];

/// One input: a file or standard input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InputPath {
    Stdin,
    File(PathBuf),
}

impl InputPath {
    /// The name shown in output: the path as given (`templates/nb.yaml`), or `-`.
    pub fn display(&self) -> String {
        match self {
            InputPath::Stdin => "-".to_string(),
            InputPath::File(path) => display_path(path),
        }
    }

    /// Reads the whole input as UTF-8 text.
    pub fn read(&self) -> Result<String, Diag> {
        into_text(&self.display(), self.read_bytes()?)
    }

    /// Reads the whole input.
    pub fn read_bytes(&self) -> Result<Vec<u8>, Diag> {
        match self {
            InputPath::Stdin => read_stdin(),
            InputPath::File(path) => std::fs::read(path),
        }
        .map_err(|e| Diag::file(self.display(), format!("cannot read: {}", io_reason(&e))))
    }
}

/// `a/b.yaml` with forward slashes on every platform, so snapshots and SARIF URIs agree.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The error without the "(os error 2)" suffix: `No such file or directory`.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_string(),
        None => text,
    }
}

/// Bytes to text; invalid UTF-8 is an error at the line and column of the first bad byte.
pub fn into_text(name: &str, bytes: Vec<u8>) -> Result<String, Diag> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or_default());
        let (line, column) = line_col(&prefix, prefix.len());
        let bad = bytes.get(valid).copied().unwrap_or_default();
        let mut diag = Diag::file(name, format!("not valid UTF-8 (byte 0x{bad:02x})"));
        diag.line = line;
        diag.column = column;
        diag
    })
}

/// The inputs named by `paths`: files as given, directories walked for files whose extension
/// is one of `extensions`, `-` as standard input; each input once, where it first appears. Errors name the paths that do not
/// exist or cannot be walked.
pub fn expand(paths: &[PathBuf], extensions: &[&str]) -> (Vec<InputPath>, Vec<Diag>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(InputPath::Stdin);
        } else if path.is_dir() {
            let before = inputs.len();
            walk(path, extensions, &mut inputs, &mut errors);
            if inputs.len() == before {
                errors.push(no_matching_files(path, extensions));
            }
        } else if path.exists() {
            inputs.push(InputPath::File(path.clone()));
        } else {
            errors.push(Diag::file(display_path(path), "no such file or directory"));
        }
    }
    let mut seen = HashSet::with_capacity(inputs.len());
    inputs.retain(|input| seen.insert(input.clone()));
    (inputs, errors)
}

/// A directory that holds nothing to check is an error, not a silent pass:
/// `empty/: no files ending in .yaml, .json under this directory`.
fn no_matching_files(dir: &Path, extensions: &[&str]) -> Diag {
    let endings: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
    Diag::file(
        display_path(dir),
        format!(
            "no files ending in {} under this directory",
            endings.join(", ")
        ),
    )
}

/// Files under `root` with one of `extensions`, in sorted order, skipping hidden entries
/// (`.git`, `.venv`) and following symbolic links (a link loop is reported as an error).
fn walk(root: &Path, extensions: &[&str], inputs: &mut Vec<InputPath>, errors: &mut Vec<Diag>) {
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
        match entry {
            Ok(entry) if entry.file_type().is_file() && has_extension(entry.path(), extensions) => {
                inputs.push(InputPath::File(entry.into_path()));
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map_or_else(|| display_path(root), display_path);
                let reason = e.io_error().map_or_else(|| e.to_string(), io_reason);
                errors.push(Diag::file(path, format!("cannot read: {reason}")));
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Whether `path` ends with `.ext` for one of `extensions` (any case).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn directories_are_walked_in_sorted_order_with_matching_extensions() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.yaml",
            "a.json",
            "c.txt",
            "sub/d.template",
            ".hidden/e.yaml",
        ] {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "{}").unwrap();
        }
        let (inputs, errors) = expand(&[dir.path().to_path_buf()], DATA_EXTENSIONS);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| i.display().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a.json", "b.yaml", "d.template"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn a_missing_path_is_an_error_for_that_path_only() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("t.yaml");
        fs::write(&good, "a: 1").unwrap();
        let (inputs, errors) = expand(&[dir.path().join("nope.yaml"), good], DATA_EXTENSIONS);
        assert_eq!(inputs.len(), 1);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("no such file"));
    }

    #[test]
    fn symlinked_templates_in_a_directory_are_checked_not_skipped() {
        let real = tempfile::tempdir().unwrap();
        let links = tempfile::tempdir().unwrap();
        fs::write(real.path().join("t.yaml"), "a: 1").unwrap();
        std::os::unix::fs::symlink(real.path().join("t.yaml"), links.path().join("t.yaml"))
            .unwrap();
        let (inputs, errors) = expand(&[links.path().to_path_buf()], DATA_EXTENSIONS);
        assert_eq!(inputs.len(), 1);
        assert!(errors.is_empty());
    }

    #[test]
    fn a_directory_without_data_files_is_an_error_not_a_silent_pass() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let (inputs, errors) = expand(&[dir.path().to_path_buf()], DATA_EXTENSIONS);
        assert!(inputs.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("no files ending in .yaml"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line_and_column() {
        let diag = into_text("x.yaml", b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert_eq!((diag.line, diag.column), (2, 4));
        assert!(diag.message.contains("0xff"));
    }
}
