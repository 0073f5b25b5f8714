//! Times loading every data file under a directory (default: the shared template corpus),
//! or the files named on the command line.
//!
//! `cargo run --release -p sagerules-data --example load_corpus [PATH...]`
//!
//! `REPEAT=5` loads each file five times and counts the fastest run, which filters out the
//! noise of a busy machine.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let roots: Vec<PathBuf> = if args.is_empty() {
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/templates")]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut files = Vec::new();
    for root in &roots {
        collect(root, &mut files);
    }
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let (mut bytes, mut failed, mut warned, mut parse_time) = (0, 0, 0, Duration::ZERO);
    for file in &files {
        let Ok(data) = std::fs::read(file) else {
            continue;
        };
        bytes += data.len();
        let name = file.to_string_lossy();
        let mut fastest = Duration::MAX;
        let mut result = sagerules_data::load_lenient(&name, &[]);
        for _ in 0..repeat.max(1) {
            drop(result);
            let started = Instant::now();
            result = sagerules_data::load_lenient(&name, &data);
            fastest = fastest.min(started.elapsed());
        }
        parse_time += fastest;
        match result {
            Ok(loaded) if !loaded.warnings.is_empty() => {
                warned += 1;
                for warning in loaded.warnings {
                    println!("{}:{warning} (warning)", file.display());
                }
            }
            Ok(_) => {}
            Err(error) => {
                failed += 1;
                println!("{}:{error}", file.display());
            }
        }
    }
    let mb = bytes as f64 / 1e6;
    let secs = parse_time.as_secs_f64();
    println!(
        "{} files, {failed} failed, {warned} with warnings, {mb:.1} MB parsed in {secs:.3} s ({:.0} MB/s)",
        files.len(),
        mb / secs.max(1e-9)
    );
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    children.sort();
    for child in children {
        if child.is_dir() {
            collect(&child, files);
        } else if sagerules_data::is_data_path(&child.to_string_lossy()) {
            files.push(child);
        }
    }
}
