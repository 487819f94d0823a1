//! Generated files must not go stale: `rules/README.md` is generated from the rules'
//! documentation, `schemas/` from the catalogs, `src/schema/reduced/` from `schemas/`. `MAMLINT_UPDATE_GENERATED=1 cargo test`
//! rewrites them (never in CI).

use crate::support::{root, update_generated};

#[test]
fn rules_readme_is_current() {
    let expected = mamlint::rules::catalogue_markdown();
    let path = root().join("rules/README.md");
    if update_generated() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "rules/README.md is stale: run `mamlint rule --all --format markdown > rules/README.md` \
         (or `MAMLINT_UPDATE_GENERATED=1 cargo test`) and commit"
    );
}

#[test]
fn schemas_are_current() {
    let update = update_generated();
    for (stem, schema) in mamlint::schema::generate::all(mamlint::rules::metas()) {
        let rendered = mamlint::schema::generate::render(&schema);
        if update {
            std::fs::write(
                root().join(format!("schemas/{stem}.schema.json")),
                &rendered,
            )
            .unwrap();
            continue;
        }
        let embedded = mamlint::schema::EMBEDDED
            .iter()
            .find(|(s, _)| *s == stem)
            .map(|(_, t)| *t);
        assert_eq!(
            embedded,
            Some(rendered.as_str()),
            "schemas/{stem}.schema.json is stale: run `MAMLINT_UPDATE_GENERATED=1 cargo test` and commit"
        );
    }
}

/// The schemas as a run compiles them (`schema::dialect::reduce`), generated from the same
/// schemas as `schemas/`, so one `MAMLINT_UPDATE_GENERATED=1 cargo test` refreshes both.
#[test]
fn reduced_schemas_are_current() {
    let update = update_generated();
    let schemas = mamlint::schema::generate::all(mamlint::rules::metas());
    let reduced = mamlint::schema::reduced(&schemas);
    assert!(reduced.len() >= 9, "one per kind, platform and export");
    for (file, expected, committed) in reduced {
        if update {
            std::fs::write(root().join("src/schema/reduced").join(&file), &expected).unwrap();
            continue;
        }
        assert!(
            committed == expected,
            "src/schema/reduced/{file} is stale: run `MAMLINT_UPDATE_GENERATED=1 cargo test` and commit"
        );
    }
}
