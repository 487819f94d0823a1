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

    assert_same_reports(&released, &kept, "disk and memory inputs");
}

/// `a` and `b` find the same, diagnostic for diagnostic, with the same fingerprints, and
/// every reporter writes the same for both.
fn assert_same_reports(a: &Outcome, b: &Outcome, what: &str) {
    let debug =
        |o: &Outcome| -> Vec<String> { o.diagnostics.iter().map(|d| format!("{d:?}")).collect() };
    assert_eq!(debug(a), debug(b), "{what}");
    assert_eq!(
        mamlint::fingerprint::fingerprints(&a.files, &a.diagnostics),
        mamlint::fingerprint::fingerprints(&b.files, &b.diagnostics),
        "{what}"
    );
    for ((format, a), (_, b)) in reports(a).into_iter().zip(reports(b)) {
        assert!(a == b, "{format:?} differs between {what}");
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

/// Every node below and including each document of the outcome's files.
fn nodes(outcome: &Outcome) -> usize {
    let mut count = 0;
    for file in &outcome.files {
        for document in &file.loaded.parsed.documents {
            document.root.walk("", |_, _| count += 1);
        }
    }
    count
}

#[test]
fn a_run_for_reports_finds_and_reports_what_a_full_run_does() {
    let root = support::root();
    let mut candidates = discover();
    for dir in [
        "tests/fixtures/corpus",
        "tests/fixtures/protection",
        "tests/fixtures/effective",
        "tests/fixtures/exports",
    ] {
        let (more, errors) =
            mamlint::walk::discover(&[root.join(dir).to_string_lossy().into_owned()]);
        assert_eq!(errors, Vec::<String>::new());
        candidates.extend(more);
    }
    let inputs = || {
        candidates
            .iter()
            .cloned()
            .map(Input::disk)
            .collect::<Vec<_>>()
    };
    let settings = Settings::default();
    let full = lint::run(inputs(), &settings);
    let lean = lint::run_for_reports(inputs(), &settings);

    let (full_nodes, lean_nodes) = (nodes(&full), nodes(&lean));
    assert!(
        lean_nodes * 10 < full_nodes * 9,
        "the lean run keeps {lean_nodes} of {full_nodes} nodes"
    );
    let conflicts = lean
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "MAM502")
        .count();
    assert!(conflicts > 5, "{conflicts} MAM502 findings");
    assert_eq!(lean.notes, full.notes);
    assert_same_reports(&lean, &full, "a lean and a full run");
}

/// Two policies in two files reach one group and disagree; a third reaches another group.
#[test]
fn the_files_of_policies_that_meet_are_parsed_again_and_the_others_stay_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |name: &str, group: &str, pin: u8| {
        format!(
            "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {{name: {name}}}\nspec:\n  platform: ios\n  displayName: {name}\n  apps: [com.atlassian.jira.app]\n  assignments:\n    include: [{group}]\n  settings:\n    pinRequired: true\n    minimumPinLength: {pin}\n    printBlocked: true\n"
        )
    };
    let group = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a";
    let other = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
    for (file, text) in [
        ("a.yaml", policy("main", group, 6)),
        ("b.yaml", policy("pilot", group, 8)),
        ("c.yaml", policy("elsewhere", other, 4)),
    ] {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let inputs = || {
        ["a.yaml", "b.yaml", "c.yaml"]
            .map(|f| {
                Input::disk(mamlint::walk::Candidate {
                    path: dir.path().join(f).to_string_lossy().into_owned(),
                    explicit: true,
                })
            })
            .into_iter()
            .collect::<Vec<_>>()
    };
    let full = lint::run(inputs(), &Settings::default());
    let lean = lint::run_for_reports(inputs(), &Settings::default());
    let settings_of = |o: &Outcome, file: usize| {
        o.files[file].loaded.parsed.documents[0]
            .root
            .pointer("/spec/settings")
            .map(|s| s.as_object().map_or(0, <[_]>::len))
    };
    assert_eq!(settings_of(&lean, 0), Some(3));
    assert_eq!(settings_of(&lean, 1), Some(3));
    assert_eq!(settings_of(&lean, 2), Some(0), "c.yaml meets no policy");
    assert_eq!(settings_of(&full, 2), Some(3));
    let messages = |o: &Outcome| -> Vec<String> {
        o.diagnostics
            .iter()
            .filter(|d| d.rule.code == "MAM502")
            .map(|d| format!("{}:{:?}: {}", d.location.file, d.location.span, d.message))
            .collect()
    };
    assert_eq!(messages(&lean).len(), 1, "{:?}", messages(&lean));
    assert!(
        messages(&lean)[0].contains("minimumPinLength"),
        "{:?}",
        messages(&lean)
    );
    assert_eq!(messages(&lean), messages(&full));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// Random workspaces of tenants, organizations and policies that meet, dangle, conflict
    /// and are suppressed (the incremental tests' documents), under each of their
    /// configurations: a lean run reports what a full run does.
    #[test]
    fn a_lean_run_of_random_workspaces_finds_what_a_full_run_finds(
        config in 0..crate::incremental::CONFIGS.len(),
        texts in proptest::collection::vec(crate::incremental::text(), crate::incremental::PATHS),
    ) {
        let settings = crate::incremental::settings(crate::incremental::CONFIGS[config]);
        let inputs = || {
            texts
                .iter()
                .enumerate()
                .map(|(i, text)| Input::memory(crate::incremental::path(i), text.as_bytes().to_vec()))
                .collect::<Vec<_>>()
        };
        let full = lint::run(inputs(), &settings);
        let lean = lint::run_for_reports(inputs(), &settings);
        // Everything a finding carries but its rule's docs, so that a failure stays readable.
        let found = |o: &Outcome| -> Vec<String> {
            o.diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{} {:?} {:?} {} {:?} {:?} {:?} {:?}",
                        d.rule.code, d.severity, d.location, d.message, d.label, d.related, d.help, d.fix
                    )
                })
                .collect()
        };
        proptest::prop_assert_eq!(found(&lean), found(&full));
    }
}
