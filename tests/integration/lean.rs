//! A run lets go of the text of each file it read from disk once the file-scope stage is done
//! with it (`lint::run`), and the reporters, fingerprints and MAM501's fix read it back. These
//! tests show that this changes nothing a user sees.

use mamlint::lint::{self, Input, Outcome, Settings};
use mamlint::report::{self, Format, HumanOptions};

use crate::support;

fn discover() -> Vec<mamlint::walk::Candidate> {
    let root = support::root();
    let dirs = [
        "examples",
        "tests/fixtures/rules",
        "tests/fixtures/terraform",
        "tests/fixtures/dsc",
    ]
    .map(|d| root.join(d).to_string_lossy().into_owned());
    let (candidates, errors) = mamlint::walk::discover(&dirs);
    assert_eq!(errors, Vec::<String>::new());
    candidates
}

fn reports(outcome: &Outcome) -> Vec<(Format, String)> {
    Format::ALL
        .into_iter()
        .map(|format| {
            let mut out = Vec::new();
            let options = HumanOptions {
                color: false,
                quiet: false,
            };
            report::write(format, outcome, options, &mut out).unwrap();
            (format, String::from_utf8(out).unwrap())
        })
        .collect()
}

#[test]
fn files_read_from_disk_report_as_the_same_files_from_memory_in_every_format() {
    let candidates = discover();
    let from_memory: Vec<Input> = candidates
        .iter()
        .map(|c| Input {
            bytes: lint::Bytes::Memory(std::fs::read(&c.path).unwrap()),
            ..Input::disk(c.clone())
        })
        .collect();
    let from_disk: Vec<Input> = candidates.into_iter().map(Input::disk).collect();
    let settings = Settings::default();
    let kept = lint::run(from_memory, &settings);
    let released = lint::run(from_disk, &settings);

    let released_files = released
        .files
        .iter()
        .filter(|f| f.loaded.source.is_released())
        .count();
    assert!(released_files > 100, "{released_files} files released");
    assert!(kept.files.iter().all(|f| !f.loaded.source.is_released()));
    // Findings in released files, so the reporters read text back.
    let in_released = released
        .diagnostics
        .iter()
        .filter(|d| released.files[d.location.file].loaded.source.is_released())
        .count();
    assert!(
        in_released > 100,
        "{in_released} findings in released files"
    );
    let with_fix = released
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some() && released.files[d.location.file].loaded.source.is_released())
        .count();
    assert!(with_fix > 10, "{with_fix} fixes in released files");

    let debug =
        |o: &Outcome| -> Vec<String> { o.diagnostics.iter().map(|d| format!("{d:?}")).collect() };
    assert_eq!(debug(&released), debug(&kept));
    assert_eq!(
        mamlint::fingerprint::fingerprints(&released.files, &released.diagnostics),
        mamlint::fingerprint::fingerprints(&kept.files, &kept.diagnostics)
    );
    for ((format, disk), (_, memory)) in reports(&released).into_iter().zip(reports(&kept)) {
        assert!(
            disk == memory,
            "{format:?} differs between disk and memory inputs"
        );
    }
}

#[test]
fn a_file_changed_after_its_check_is_reported_without_a_code_frame() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    let text = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps: [com.atlassian.jira.app]\n  settings: {pinRequired: yes}\n";
    std::fs::write(&path, text).unwrap();
    let check = || {
        let candidate = mamlint::walk::Candidate {
            path: path.to_string_lossy().into_owned(),
            explicit: true,
        };
        lint::run(vec![Input::disk(candidate)], &Settings::default())
    };
    let unchanged = check();
    assert!(unchanged.files[0].loaded.source.is_released());
    let frame = support::render(&unchanged);
    assert!(
        frame.contains("8 |   settings: {pinRequired: yes}"),
        "{frame}"
    );

    let changed = check();
    // The same length, other bytes: the spans no longer describe the file.
    std::fs::write(&path, text.replace("pinRequired", "pinREQUIRED")).unwrap();
    let report = support::render(&changed);
    assert!(!report.contains(" |"), "no line of the file: {report}");
    assert!(report.contains(&format!("warning[MAM003]: `pinRequired: yes` is the string \"yes\" in YAML 1.2, not a boolean\n--> {}\n", path.display())), "{report}");
}

#[test]
fn rollout_keeps_the_text_of_every_file() {
    let inputs: Vec<Input> = discover().into_iter().map(Input::disk).collect();
    let outcome = lint::run_keeping_text(inputs, &Settings::default());
    assert!(outcome.files.len() > 100, "{} files", outcome.files.len());
    let released: Vec<&str> = outcome
        .files
        .iter()
        .filter(|f| f.loaded.source.is_released())
        .map(|f| f.loaded.source.path.as_str())
        .collect();
    assert_eq!(released, Vec::<&str>::new());
}
