//! The JSON front end (strict jsonc-parser) on arbitrary UTF-8: no panic, at most one
//! document, every span in the text, every node's pointer leads back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamlint_fuzz::{check_parsed, utf8_prefix};

fuzz_target!(|data: &[u8]| {
    let text = utf8_prefix(data);
    let parsed = mamlint::syntax::json::parse(text);
    assert!(parsed.documents.len() <= 1, "a JSON file is one document");
    assert!(parsed.comments.is_empty(), "strict JSON has no comments");
    assert!(
        parsed.error.is_some() || !parsed.documents.is_empty() || text.trim().is_empty(),
        "neither a document nor an error"
    );
    check_parsed(text, &parsed);
    for document in &parsed.documents {
        let _ = document.root.to_json();
    }
});
