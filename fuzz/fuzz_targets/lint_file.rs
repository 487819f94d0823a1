//! The whole lint over one in-memory file, YAML or JSON by the first byte: no panic, every
//! finding (and related location and fix edit) inside the file, pointers resolve, every
//! output format renders; where a finding has a fix, fixing is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamlint::lint::{Input, run};
use mamlint_fuzz::{check_outcome, file_name};

const NAMES: [&str; 2] = ["f.yaml", "f.json"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = file_name(selector, &NAMES);
    let settings = Default::default();
    let outcome = run(vec![Input::memory(path, bytes)], &settings);
    assert_eq!(outcome.files.len(), 1, "one file in, one file checked");
    check_outcome(&outcome);
    if outcome.diagnostics.iter().any(|d| d.fix.is_some()) {
        // `check --fix` run twice changes nothing the second time.
        let fixed = mamlint::fix::run(vec![Input::memory(path, bytes)], &settings, true);
        check_outcome(&fixed.outcome);
        if let Some(changed) = fixed.changed.first() {
            let again = mamlint::fix::run(
                vec![Input::memory(path, changed.bytes.clone())],
                &settings,
                true,
            );
            assert!(
                again.changed.is_empty(),
                "fixing the fixed file changed it again:\n{}",
                again
                    .changed
                    .iter()
                    .map(mamlint::fix::unified_diff)
                    .collect::<String>()
            );
        }
    }
});
