//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use mamlint::lint::{self, Input, Outcome, Settings};
use mamlint::report::{self, Format, HumanOptions};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// Lints in-memory files, named as given.
pub(crate) fn lint_texts(files: &[(&str, &str)]) -> Outcome {
    let inputs = files
        .iter()
        .map(|(path, text)| Input::memory(*path, text.as_bytes().to_vec()))
        .collect();
    lint::run(inputs, &Settings::default())
}

pub(crate) fn lint_text(path: &str, text: &str) -> Outcome {
    lint_texts(&[(path, text)])
}

/// Lints one fixture file, with the configuration `<stem>.toml` beside it if there is one.
pub(crate) fn lint_fixture(path: &Path) -> Outcome {
    let config_path = path.with_extension("toml");
    let config = config_path
        .is_file()
        .then(|| mamlint::config::Config::load(&config_path, mamlint::rules::metas()).unwrap());
    let relative = path
        .strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let input = Input::memory(relative, std::fs::read(path).unwrap());
    lint::run(
        vec![input],
        &Settings {
            config,
            ..Settings::default()
        },
    )
}

/// Lints files on disk, reported with paths relative to the repository root.
pub(crate) fn lint_paths(paths: &[&Path]) -> Outcome {
    let inputs = paths
        .iter()
        .map(|p| {
            let relative = p
                .strip_prefix(root())
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Input::memory(relative, bytes)
        })
        .collect();
    lint::run(inputs, &Settings::default())
}

/// The plain human rendering, as a user sees it without colour.
pub(crate) fn render(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    report::write(
        Format::Human,
        outcome,
        HumanOptions {
            color: false,
            quiet: false,
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

pub(crate) fn codes(outcome: &Outcome) -> Vec<&'static str> {
    outcome.diagnostics.iter().map(|d| d.code()).collect()
}

/// `(code, line, column, message)` of every diagnostic.
pub(crate) fn summary(outcome: &Outcome) -> Vec<(String, usize, usize, String)> {
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let source = &outcome.files[d.location.file].loaded.source;
            let at = source.line_col(d.location.span.start as usize);
            (d.code().to_owned(), at.line, at.column, d.message.clone())
        })
        .collect()
}

/// The built `mamlint` binary, without colour variables from the environment.
pub(crate) fn mamlint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("mamlint").unwrap();
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}
