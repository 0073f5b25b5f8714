//! How a command ended, and the exit code that says so. One scale for every subcommand, so a
//! CI script can rely on it: 0 all good, 1 a finding (a rule failed, a test expectation was not
//! met, a file would be reformatted), 2 an error (something could not be read or parsed).

use std::process::ExitCode;

/// Ordered by gravity, so `a.max(b)` keeps the worse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    #[default]
    Ok,
    /// Exit 1.
    Findings,
    /// Exit 2.
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Findings => 1,
            Outcome::Error => 2,
        }
    }

    /// `Error` when there are any errors, else `self`.
    pub fn with_errors<T>(self, errors: &[T]) -> Outcome {
        if errors.is_empty() {
            self
        } else {
            self.max(Outcome::Error)
        }
    }
}

/// Writes `text` (`what` it is, for the error) to standard output: `Ok`, also when the reader
/// closed the pipe (`sagerules iam-policy | head`), else `Error` with the reason on stderr.
pub fn print(text: &str, what: &str) -> Outcome {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Ok,
        Err(e) => {
            eprintln!("error: cannot write the {what}: {e}");
            Outcome::Error
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(outcome.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_keeps_the_worse_outcome() {
        assert_eq!(Outcome::Findings.max(Outcome::Error), Outcome::Error);
        assert_eq!(Outcome::Ok.with_errors(&[()]).code(), 2);
        assert_eq!(Outcome::Findings.with_errors::<()>(&[]).code(), 1);
    }
}
