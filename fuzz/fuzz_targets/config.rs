//! The configuration parser (`mamlint.toml`) on arbitrary text: no panic, every mistake's
//! span inside its file; a lint run with the configuration reports its mistakes (MAM014)
//! inside the configuration file, and every output format renders.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mamlint::config::Config;
use mamlint::lint::{Input, Settings, run};
use mamlint_fuzz::{check_outcome, check_span};

fuzz_target!(|data: &[u8]| {
    // As `Config::load` reads a file. The directory does not exist, so relative `extend` and
    // `context` paths name nothing.
    let text = String::from_utf8_lossy(data).into_owned();
    let path = Path::new("/nonexistent-mamlint-fuzz/mamlint.toml");
    let config = Config::parse(path, text.clone(), mamlint::rules::metas());
    let first = config.sources.first().expect("the file itself is a source");
    assert_eq!(first.text, text);
    for source in &config.sources {
        for error in &source.errors {
            check_span(
                &source.text,
                error.span,
                &format!("config error {:?}", error.message),
            );
        }
    }
    let settings = Settings {
        config: Some(config),
        ..Settings::default()
    };
    let outcome = run(vec![Input::memory("f.yaml", "a: 1\n")], &settings);
    check_outcome(&outcome);
});
