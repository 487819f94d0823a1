//! `--format github`: GitHub Actions workflow commands, shown as annotations on the pull
//! request's changed lines.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=MAM102 platform-mismatch::message`
//! with the escaping the runner requires: in messages `%`, CR and LF; in properties also `:`
//! and `,`. Info findings are `::notice`.

use std::io::{self, Write};

use super::line_cols;
use crate::diagnostic::Severity;
use crate::fingerprint::relative_path;
use crate::lint::Outcome;

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for d in &outcome.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (start, end) = line_cols(&outcome.files, &d.location);
        let path = outcome
            .files
            .get(d.location.file)
            .map(|f| f.loaded.source.path.as_str())
            .unwrap_or_default();
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let end_column = if end.line == start.line {
            end.column.max(start.column + 1)
        } else {
            end.column
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&relative_path(path)),
            start.line,
            start.column,
            end.line,
            end_column,
            escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            escape_data(&message),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a,b"),
            "100%25 sure%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
