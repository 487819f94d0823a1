//! The YAML front end on arbitrary UTF-8: no panic, every span in the text, every node's
//! pointer leads back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamlint_fuzz::{check_parsed, utf8_prefix};

fuzz_target!(|data: &[u8]| {
    let text = utf8_prefix(data);
    let parsed = mamlint::syntax::yaml::parse(text);
    check_parsed(text, &parsed);
});
