//! `--format concise`: one line per finding, `path:line:column: CODE [severity] message`
//! (mamlint spec §11), the one-line form of compilers and ruff's concise output, which editors
//! and `grep` read. Sits beside the other reporters over a `lint::Outcome`.
//!
//! The path is as given (like `--format json`), the line and column 1-based with columns in
//! Unicode scalar values. Help, related locations and fixes are left out: the line is the
//! finding. A message never spans lines here, so a line break in one becomes a space.

use std::io::{self, Write};

use super::{line_cols, path};
use crate::lint::Outcome;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for d in &outcome.diagnostics {
        let (start, _) = line_cols(&outcome.files, &d.location);
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            path(&outcome.files, &d.location),
            start.line,
            start.column,
            d.rule.code,
            d.severity,
            one_line(&d.message),
        )?;
    }
    Ok(())
}

/// The message on one line: each run of CR/LF becomes one space.
fn one_line(message: &str) -> String {
    message
        .split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_in_a_message_become_spaces() {
        assert_eq!(one_line("first\r\nsecond\nthird"), "first second third");
        assert_eq!(one_line("plain"), "plain");
    }
}
