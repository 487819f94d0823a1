//! Micro-benchmarks of the checking pipeline, per document.
//!
//! - `load/*`: `mamlint::syntax::load` alone (decode + parse into the spanned tree; for
//!   Terraform, also the mapping to a Graph-shaped document).
//! - `lint_run/*`: a full `mamlint::lint::run` (load, classify, schema validation, every rule,
//!   sorting) on in-memory inputs; the report is not rendered.
//!
//! Throughput is in elements: for `load/*` one element per document the file holds (a DSC
//! configuration holds two), so `thrpt` reads as documents per second and compares formats
//! per document (issue #10: Terraform and DSC within 2× of YAML); for `lint_run/*` one
//! element per file.
//!
//! Run with `cargo bench --bench check`; the whole suite takes well under two minutes.
//! Filter with e.g. `cargo bench --bench check -- load/`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mamlint::lint::{self, Input, Settings};

/// A file of a benchmark: its path (which decides YAML, JSON, Terraform or PowerShell) and its bytes.
type File = (&'static str, &'static [u8]);

/// A realistic ~40-line YAML AppProtectionPolicy manifest.
const YAML_POLICY: File = (
    "examples/clean/policies/acme-ios.yaml",
    include_bytes!("../examples/clean/policies/acme-ios.yaml"),
);

/// The same iOS policy as `YAML_POLICY` as a `microsoft365wp_ios_managed_app_protection`
/// resource (~50 lines of HCL with apps, assignments, `timeouts` and `lifecycle`).
const TERRAFORM_POLICY: File = (
    "tests/fixtures/terraform/valid-wp-ios.tf",
    include_bytes!("../tests/fixtures/terraform/valid-wp-ios.tf"),
);

/// A Graph export of an iOS app protection policy (UTF-8 JSON, `$expand=apps,assignments`).
const GRAPH_EXPORT: File = (
    "examples/clean/policies/acme-labs-entra/ios.json",
    include_bytes!("../examples/clean/policies/acme-labs-entra/ios.json"),
);

/// The same kind of export for Android, saved as UTF-16 LE with a BOM (as PowerShell writes).
const GRAPH_EXPORT_UTF16: File = (
    "examples/clean/policies/acme-labs-entra/android.json",
    include_bytes!("../examples/clean/policies/acme-labs-entra/android.json"),
);

/// A Microsoft365DSC configuration (~110 lines) with two app protection blocks, iOS and
/// Android: the PowerShell front end (tree-sitter) and the same rules.
const DSC_CONFIGURATION: File = (
    "examples/dsc/AtlassianAppProtection.ps1",
    include_bytes!("../examples/dsc/AtlassianAppProtection.ps1"),
);

/// Every file of `examples/clean`: a small, complete, clean workspace.
const CLEAN_EXAMPLE: [File; 8] = [
    (
        "examples/clean/entra-tenants.yaml",
        include_bytes!("../examples/clean/entra-tenants.yaml"),
    ),
    (
        "examples/clean/mobile-app-policy.yaml",
        include_bytes!("../examples/clean/mobile-app-policy.yaml"),
    ),
    (
        "examples/clean/organization.yaml",
        include_bytes!("../examples/clean/organization.yaml"),
    ),
    (
        "examples/clean/policies/acme-android.yaml",
        include_bytes!("../examples/clean/policies/acme-android.yaml"),
    ),
    YAML_POLICY,
    (
        "examples/clean/policies/edge-tunnel.yaml",
        include_bytes!("../examples/clean/policies/edge-tunnel.yaml"),
    ),
    GRAPH_EXPORT_UTF16,
    GRAPH_EXPORT,
];

fn inputs(files: &[File]) -> Vec<Input> {
    files
        .iter()
        .map(|(path, bytes)| Input::memory(*path, *bytes))
        .collect()
}

/// Checks once, outside any measurement, that the inputs load and check as expected, so a
/// benchmark never silently measures the error path.
fn sanity_check(name: &str, files: &[File]) {
    for (path, bytes) in files {
        let loaded = mamlint::syntax::load(path, bytes);
        assert!(
            loaded.parsed.error.is_none(),
            "{path} does not load: {:?}",
            loaded.parsed.error
        );
        assert!(
            !loaded.parsed.documents.is_empty(),
            "{path} holds no document"
        );
    }
    let outcome = lint::run(inputs(files), &Settings::default());
    assert_eq!(
        outcome.files.len(),
        files.len(),
        "{name}: every input should be checked"
    );
    if !outcome.diagnostics.is_empty() {
        // Not fatal: a lone manifest names a tenant that is not loaded (MAM008), which is what
        // an editor checking one file sees; the timing includes reporting it.
        let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.rule.code).collect();
        eprintln!("note: {name}: findings {}", codes.join(", "));
    }
}

/// Loads a file once, outside any measurement, and checks it yields exactly the documents
/// expected and no error: a load benchmark must measure the whole mapping, not an early
/// exit. Returns the document count, the benchmark's throughput.
fn expect_documents(name: &str, (path, bytes): File, expected: usize) -> u64 {
    let loaded = mamlint::syntax::load(path, bytes);
    assert!(
        loaded.parsed.error.is_none(),
        "{name}: {path} does not load: {:?}",
        loaded.parsed.error
    );
    assert_eq!(
        loaded.parsed.documents.len(),
        expected,
        "{name}: {path} should hold {expected} documents"
    );
    u64::try_from(expected).unwrap_or(u64::MAX)
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (name, file, documents) in [
        ("yaml_policy_manifest", YAML_POLICY, 1),
        ("terraform_policy_resource", TERRAFORM_POLICY, 1),
        ("graph_json_export", GRAPH_EXPORT, 1),
        ("graph_json_export_utf16", GRAPH_EXPORT_UTF16, 1),
        ("dsc_configuration", DSC_CONFIGURATION, 2),
    ] {
        let (path, bytes) = file;
        let documents = expect_documents(name, file, documents);
        group.throughput(Throughput::Elements(documents));
        group.bench_function(name, |b| {
            b.iter(|| mamlint::syntax::load(black_box(path), black_box(bytes)));
        });
    }
    group.finish();
}

fn bench_lint_run(c: &mut Criterion) {
    let settings = Settings::default();
    let mut group = c.benchmark_group("lint_run");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let cases: [(&str, &[File]); 5] = [
        ("yaml_policy_manifest", &[YAML_POLICY]),
        ("terraform_policy_resource", &[TERRAFORM_POLICY]),
        ("graph_json_export", &[GRAPH_EXPORT]),
        ("dsc_configuration", &[DSC_CONFIGURATION]),
        ("clean_example_8_files", &CLEAN_EXAMPLE),
    ];
    for (name, files) in cases {
        sanity_check(name, files);
        let count = u64::try_from(files.len()).unwrap_or(u64::MAX);
        group.throughput(Throughput::Elements(count));
        group.bench_function(name, |b| {
            b.iter_batched(
                || inputs(files),
                |inputs| lint::run(black_box(inputs), &settings),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load, bench_lint_run);
criterion_main!(benches);
