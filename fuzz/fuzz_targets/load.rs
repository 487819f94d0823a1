//! Decoding and loading raw bytes (`syntax::load`): UTF-8 with or without BOM, UTF-16 LE/BE
//! with BOM, binary and invalid input, under a file name chosen by the first byte. No panic;
//! decoded text re-encodes to the input; a decode error's offset is inside the file (at the
//! NUL for a binary file); spans lie in the decoded text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamlint::syntax::Format;
use mamlint::syntax::source::{DecodeError, decode};
use mamlint_fuzz::{check_parsed, file_name};

const NAMES: [&str; 5] = ["f.yaml", "f.json", "f.yml", "f", "f.toml"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = file_name(selector, &NAMES);
    match decode(bytes) {
        Ok((text, encoding)) => {
            assert_eq!(
                mamlint::fix::encode(&text, encoding),
                bytes,
                "decoded as {encoding} but does not re-encode to the input"
            );
            assert!(!text.contains('\0'), "decoded text with a NUL");
        }
        Err(error) => {
            let offset = error.offset();
            assert!(
                offset < bytes.len(),
                "{error}: offset {offset} outside the {}-byte file",
                bytes.len()
            );
            if let DecodeError::Binary { .. } = error {
                let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
                let nul = if utf16 {
                    bytes.get(offset..offset + 2)
                } else {
                    bytes.get(offset..offset + 1)
                };
                assert!(
                    nul.is_some_and(|b| b.iter().all(|&b| b == 0)),
                    "{error}: no NUL at byte {offset}"
                );
            }
        }
    }
    let loaded = mamlint::syntax::load(path, bytes);
    let text = &loaded.source.text;
    if loaded.format == Format::Toml {
        assert!(
            loaded.parsed.documents.is_empty(),
            "TOML parsed as documents"
        );
    }
    if decode(bytes).is_err() {
        // A file that does not decode keeps the text before the problem, so its MAM001
        // points at the line and column where decoding stopped.
        assert!(
            loaded.parsed.documents.is_empty(),
            "documents from undecodable bytes"
        );
        let error = loaded.parsed.error.as_ref();
        assert!(
            error.is_some_and(|e| e.span.start as usize == text.len()),
            "an undecodable file's error is at the end of the text before it: {error:?}"
        );
    }
    check_parsed(text, &loaded.parsed);
    let _ = mamlint::syntax::looks_like_policy(bytes);
});
