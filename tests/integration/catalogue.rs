//! `rules/README.md` is generated from the rules' documentation; it must not go stale.

use crate::support::root;

#[test]
fn rules_readme_is_current() {
    let expected = mamlint::rules::catalogue_markdown();
    let path = root().join("rules/README.md");
    if std::env::var_os("MAMLINT_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "rules/README.md is stale: run `mamlint rule --all --format markdown > rules/README.md` \
         (or `MAMLINT_UPDATE_GENERATED=1 cargo test`) and commit"
    );
}
