//! Which files a command works on, and reading them. `sagerules check templates/` walks the
//! directory (recursively, in sorted order, so output is the same on every machine) and keeps
//! the files with a data extension; a file named on the command line is always taken, whatever
//! its extension; `-` is standard input. A path that does not exist is an error for that path
//! only: the other inputs are still processed.
//!
//! Only regular files are read: a FIFO, a device (`/dev/zero`) or a socket named on the command
//! line is an error for that argument, never a hang. No input is read past a size limit
//! ([`DEFAULT_MAX_SIZE`], `--max-size`), standard input included.

use crate::diag::{line_col, Diag};
use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
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

    /// Reads the whole input as UTF-8 text (at most [`DEFAULT_MAX_SIZE`] bytes).
    pub fn read(&self) -> Result<String, Diag> {
        into_text(&self.display(), self.read_bytes()?)
    }

    /// Reads the whole input (at most [`DEFAULT_MAX_SIZE`] bytes).
    pub fn read_bytes(&self) -> Result<Vec<u8>, Diag> {
        self.read_bytes_within(DEFAULT_MAX_SIZE)
    }

    /// Reads the whole input, refusing anything but a regular file (or standard input) and
    /// anything longer than `limit` bytes.
    pub fn read_bytes_within(&self, limit: u64) -> Result<Vec<u8>, Diag> {
        match self {
            InputPath::Stdin => read_limited(std::io::stdin().lock(), None, limit),
            InputPath::File(path) => read_file(path, limit),
        }
        .map_err(|e| Diag::file(self.display(), format!("cannot read: {e}")))
    }
}

/// The most bytes read from one input unless `--max-size` says otherwise. CloudFormation itself
/// takes a template body of at most 1 MB (from S3; 51,200 bytes inline), so a larger file is not
/// a template it would deploy; the limit also bounds memory, which grows with the input.
pub const DEFAULT_MAX_SIZE: u64 = 1024 * 1024;

/// Why an input was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", io_reason(.0))]
    Io(#[from] std::io::Error),
    /// `/dev/zero`: "not a regular file (a character device)".
    #[error("not a regular file ({0}); only regular files are read")]
    NotRegular(&'static str),
    #[error(
        "larger than the {} limit{}; raise it with --max-size",
        size_text(*.limit),
        .size.map(|s| format!(" ({} bytes)", s)).unwrap_or_default()
    )]
    TooLarge { size: Option<u64>, limit: u64 },
}

/// Reads a regular file of at most `limit` bytes. The file type is looked at before the file is
/// opened, because opening a FIFO for reading blocks until a writer appears.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotRegular(file_type_name(kind)));
    }
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(ReadError::TooLarge {
            size: Some(size),
            limit,
        });
    }
    read_limited(file, Some(size), limit)
}

/// Reads `source` to its end, failing as soon as it gives more than `limit` bytes (a file that
/// grows while read, or standard input fed from `/dev/zero`).
fn read_limited(source: impl Read, hint: Option<u64>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(hint.unwrap_or(0).min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    source
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// "a FIFO", "a character device", ...: what a path is when it is not a regular file.
fn file_type_name(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// `1048576` → `1 MiB`, `1536` → `1536 bytes`: a size as `--max-size` takes it.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    UNITS
        .iter()
        .find(|(unit, _)| bytes >= *unit && bytes.is_multiple_of(*unit))
        .map_or_else(
            || format!("{bytes} bytes"),
            |(unit, name)| format!("{} {name}", bytes / unit),
        )
}

/// `--max-size` values: bytes, or a number with `K`, `M` or `G` (binary: `2M` = 2 MiB).
///
/// ```text
/// 1048576 → 1048576    512K → 524288    2M → 2097152    1G → 1073741824
/// ```
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let shift = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => {
            return Err(format!(
                "`{text}` is not a size: use bytes, or a number with K, M or G"
            ))
        }
    };
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size: use bytes, or a number with K, M or G"))?;
    number
        .checked_mul(1 << shift)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is out of range"))
}

/// `a/b.yaml` with forward slashes on every platform, so snapshots and SARIF URIs agree.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
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
