//! Which files a run reads: a file named on the command line is read whatever its name;
//! a directory is walked (symbolic links followed, so a symlink farm of the corpus works)
//! for the data-file extensions the CLI accepts.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Every data file under `paths`, in a stable (sorted) order per directory.
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            found.extend(walk(path)?);
        } else {
            found.push(path.clone());
        }
    }
    Ok(found)
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|error| format!("{}: {error}", dir.display()))?;
        let is_data = sagerules_data::is_data_path(&entry.path().to_string_lossy());
        if entry.file_type().is_file() && is_data {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz/seeds")
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        let names = paths
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        names.collect()
    }

    #[test]
    fn directories_are_walked_for_data_files_only() {
        let found = data_files(&[seeds()]).unwrap();
        assert_eq!(
            names(&found),
            [
                "bad.yaml",
                "config_item.json",
                "template.json",
                "template.yaml"
            ]
        );
    }

    #[test]
    fn a_named_file_is_taken_whatever_its_extension() {
        let rules = seeds().join("parse_rules/broken.rules");
        assert_eq!(data_files(std::slice::from_ref(&rules)).unwrap(), [rules]);
    }
}
