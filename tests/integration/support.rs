//! Helpers shared by the integration tests.

use std::io::Write;
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

/// Whether the tests run in CI: `CI` is set to anything but `false` or `0`, as CI services
/// set it (`CI=true`) and `.ci/run` does.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Data a test needs from outside the repository, such as `../shared/reference`. `Some` when
/// it is there. When it is missing, the test must not pass as if it had checked anything: in
/// CI it fails; elsewhere it prints `skipped: <test>: <reason>` to stderr and the caller
/// returns.
pub(crate) fn external_data(path: PathBuf, reason: &str) -> Option<PathBuf> {
    // Straight to the process's stderr: libtest captures `eprintln!` of passing tests, and a
    // skip has to be seen.
    require_or_skip(path, reason, in_ci(), &mut std::io::stderr())
}

fn require_or_skip(path: PathBuf, reason: &str, ci: bool, log: &mut dyn Write) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    assert!(
        !ci,
        "{test}: {reason}: {} is missing, and missing test data fails in CI (CI is set)",
        path.display()
    );
    let _ = writeln!(
        log,
        "skipped: {test}: {reason} ({} is missing)",
        path.display()
    );
    None
}

/// Whether to rewrite the committed generated files (`schemas/`, `rules/README.md`) instead
/// of checking them: `MAMLINT_UPDATE_GENERATED` is set. Refused in CI, whose job is to find
/// stale files, not to regenerate them so that the check passes.
pub(crate) fn update_generated() -> bool {
    may_update(
        std::env::var_os("MAMLINT_UPDATE_GENERATED").is_some(),
        in_ci(),
    )
}

fn may_update(requested: bool, ci: bool) -> bool {
    assert!(
        !(requested && ci),
        "MAMLINT_UPDATE_GENERATED is set in CI (CI is set): CI checks the committed generated \
         files and never rewrites them; regenerate locally and commit"
    );
    requested
}

/// Checks an example folder with the binary: exit 0, no finding, and the number of files and
/// documents it holds (so a folder that stopped being read cannot pass).
pub(crate) fn assert_example_clean(folder: &str, files: u64, documents: u64) {
    let output = mamlint()
        .args(["check", folder, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["summary"]["files"], files);
    assert_eq!(report["summary"]["documents"], documents);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_data_is_skipped_visibly_outside_ci() {
        let mut log = Vec::new();
        let missing = root().join("no/such/data");
        assert_eq!(
            require_or_skip(missing.clone(), "no data", false, &mut log),
            None
        );
        let log = String::from_utf8(log).unwrap();
        assert!(log.starts_with("skipped: "), "{log}");
        assert!(log.contains("no data"), "{log}");
        assert_eq!(
            require_or_skip(root(), "the repository", true, &mut Vec::new()),
            Some(root())
        );
    }

    #[test]
    #[should_panic(expected = "missing test data fails in CI")]
    fn missing_data_fails_in_ci() {
        require_or_skip(
            root().join("no/such/data"),
            "no data",
            true,
            &mut Vec::new(),
        );
    }

    #[test]
    fn regenerating_is_refused_in_ci_only() {
        assert!(may_update(true, false));
        assert!(!may_update(false, true));
        assert!(std::panic::catch_unwind(|| may_update(true, true)).is_err());
    }
}
