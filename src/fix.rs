//! Applying fixes (`mamlint check --fix`, `--diff`).
//!
//! Fixes are byte edits on the decoded text, so comments, key order, quoting style and line
//! endings stay as they were; the result is written back in the file's own encoding (UTF-8
//! with or without BOM, UTF-16 LE/BE). Fixes are applied in rounds, re-checking in memory
//! after each, until nothing is left to fix: running it twice changes nothing the second time.
//! A file that does not parse is never rewritten, and unsafe fixes need `--unsafe-fixes`.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Applicability, Edit};
use crate::lint::{self, Bytes, Input, Outcome, Settings};
use crate::model::Role;
use crate::syntax::{Encoding, Span};

/// Rounds after which fixing stops, should fixes ever keep producing new fixable findings.
/// One insertion point takes one insertion a round (two insertions at one offset have no
/// order of their own), and MAM501 inserts each absent setting of a policy after its last
/// member: a level-3 Android policy that sets nothing takes a round for each of the
/// framework's 54 Android rows. The fuzzer found a policy that ten rounds left half done.
const MAX_ROUNDS: usize = 100;

/// A file whose text the fixes changed.
#[derive(Debug)]
pub struct Changed {
    pub path: String,
    pub before: String,
    pub after: String,
    /// The new content, encoded as the file was.
    pub bytes: Vec<u8>,
}

/// What fixing did: the check of the fixed files, the files changed, and how many fixes.
pub struct FixOutcome {
    pub outcome: Outcome,
    pub changed: Vec<Changed>,
    pub applied: usize,
}

/// Encodes text the way a file was stored.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Encoding::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

/// Applies non-overlapping edits to a text; an edit outside the text or off a character
/// boundary is left out.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut ordered: Vec<&Edit> = edits.to_vec();
    ordered.sort_by_key(|e| e.span.start);
    let apart = ordered
        .windows(2)
        .all(|w| w[0].span.start < w[1].span.start && w[0].span.end <= w[1].span.start);
    if !apart {
        return apply_from_the_end(text, edits);
    }
    // One pass, copying the text between edits: replacing ranges in place would move the rest
    // of the file once per edit.
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for edit in ordered {
        let range = edit.span.range();
        if range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end)
        {
            out.push_str(&text[copied..range.start]);
            out.push_str(&edit.replacement);
            copied = range.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Edits that share an offset (an insertion beside a replacement) are applied one by one from
/// the end, each on the text the later ones left.
fn apply_from_the_end(text: &str, edits: &[&Edit]) -> String {
    let mut edits: Vec<&&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_owned();
    for edit in edits {
        let range = edit.span.range();
        if range.end <= out.len()
            && out.is_char_boundary(range.start)
            && out.is_char_boundary(range.end)
        {
            out.replace_range(range, &edit.replacement);
        }
    }
    out
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end || (a.is_empty() && b.is_empty() && a.start == b.start)
}

/// The edits taken in one file. While they are pairwise apart (always, unless one fix's own
/// edits overlap), ordering them by span orders their ends too, so the taken edit that starts
/// last before a span ends is the only one that can reach into it: a lookup, not a scan.
struct Taken<'o> {
    edits: Vec<&'o Edit>,
    spans: BTreeSet<(u32, u32)>,
    apart: bool,
}

impl<'o> Taken<'o> {
    fn new() -> Self {
        Taken {
            edits: Vec::new(),
            spans: BTreeSet::new(),
            apart: true,
        }
    }

    fn overlaps(&self, span: Span) -> bool {
        if !self.apart {
            return self.edits.iter().any(|t| overlaps(t.span, span));
        }
        let reaching = self
            .spans
            .range(..(span.end, 0))
            .next_back()
            .is_some_and(|&(_, end)| span.start < end);
        reaching || (span.is_empty() && self.spans.contains(&(span.start, span.start)))
    }

    fn push(&mut self, edit: &'o Edit) {
        if self.apart && self.overlaps(edit.span) {
            self.apart = false;
        }
        self.spans.insert((edit.span.start, edit.span.end));
        self.edits.push(edit);
    }
}

/// The edits one round applies, by file: fixes the settings allow, in files that parsed, not
/// overlapping an edit already taken.
fn plan(outcome: &Outcome, unsafe_fixes: bool) -> (BTreeMap<usize, Vec<&Edit>>, usize) {
    let mut planned: BTreeMap<usize, Taken<'_>> = BTreeMap::new();
    let mut applied = 0;
    for d in &outcome.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        let fixable = |e: &Edit| {
            outcome
                .files
                .get(e.file)
                .is_some_and(|f| f.role == Role::Checked && f.loaded.parsed.error.is_none())
        };
        if !fix.edits.iter().all(fixable) {
            continue;
        }
        let free = fix.edits.iter().all(|e| {
            planned
                .get(&e.file)
                .is_none_or(|taken| !taken.overlaps(e.span))
        });
        if free {
            for edit in &fix.edits {
                planned
                    .entry(edit.file)
                    .or_insert_with(Taken::new)
                    .push(edit);
            }
            applied += 1;
        }
    }
    let planned = planned
        .into_iter()
        .map(|(file, taken)| (file, taken.edits))
        .collect();
    (planned, applied)
}

/// Replaces a file's contents without a moment where it is half written: the bytes go to a
/// temporary file beside it, which takes the original's permissions and is renamed over it.
pub fn write_atomically(path: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let target = std::path::Path::new(path);
    let permissions = std::fs::metadata(target)?.permissions();
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.mamlint-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::set_permissions(&temp, permissions)?;
        std::fs::rename(&temp, target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Checks, fixes and re-checks in memory until nothing is left to fix.
pub fn run(inputs: Vec<Input>, settings: &Settings, unsafe_fixes: bool) -> FixOutcome {
    // Read everything once; later rounds lint the fixed text from memory.
    let mut current: Vec<Input> = inputs
        .into_iter()
        .map(|input| match input.bytes {
            Bytes::Disk => {
                match crate::syntax::read_bounded(std::path::Path::new(&input.candidate.path)) {
                    Ok(bytes) => Input {
                        bytes: Bytes::Memory(bytes),
                        ..input
                    },
                    Err(_) => input,
                }
            }
            Bytes::Memory(_) => input,
        })
        .collect();
    // Each path's first input, so a round finds a fixed file's input without a search.
    let mut position: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, input) in current.iter().enumerate() {
        position.entry(input.candidate.path.clone()).or_insert(i);
    }
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    let mut latest: BTreeMap<String, (String, Encoding)> = BTreeMap::new();
    let mut applied = 0;
    let mut outcome = lint::run(clone_inputs(&current), settings);
    for _ in 0..MAX_ROUNDS {
        let (planned, count) = plan(&outcome, unsafe_fixes);
        if planned.is_empty() {
            break;
        }
        applied += count;
        for (file, edits) in &planned {
            let Some(wf) = outcome.files.get(*file) else {
                continue;
            };
            let source = &wf.loaded.source;
            let fixed = apply_edits(&source.text, edits);
            originals
                .entry(source.path.clone())
                .or_insert_with(|| source.text.clone());
            latest.insert(source.path.clone(), (fixed.clone(), source.encoding));
            if let Some(input) = position
                .get(source.path.as_str())
                .and_then(|&i| current.get_mut(i))
            {
                input.bytes = Bytes::Memory(encode(&fixed, source.encoding));
            }
        }
        outcome = lint::run(clone_inputs(&current), settings);
    }
    let changed = latest
        .into_iter()
        .filter_map(|(path, (after, encoding))| {
            let before = originals.remove(&path)?;
            (before != after).then(|| Changed {
                bytes: encode(&after, encoding),
                path,
                before,
                after,
            })
        })
        .collect();
    FixOutcome {
        outcome,
        changed,
        applied,
    }
}

fn clone_inputs(inputs: &[Input]) -> Vec<Input> {
    inputs
        .iter()
        .map(|i| Input {
            candidate: i.candidate.clone(),
            bytes: match &i.bytes {
                Bytes::Disk => Bytes::Disk,
                Bytes::Memory(bytes) => Bytes::Memory(bytes.clone()),
            },
            role: i.role,
        })
        .collect()
}

/// A unified diff of a changed file, as `--diff` prints it.
pub fn unified_diff(changed: &Changed) -> String {
    similar::TextDiff::from_lines(&changed.before, &changed.after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", changed.path),
            &format!("b/{}", changed.path),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_from_the_end_and_keep_everything_else() {
        let text = "a: yes # keep\r\nb: 16.10\r\n";
        let e1 = Edit {
            file: 0,
            span: Span::new(3, 6),
            replacement: "true".into(),
        };
        let e2 = Edit {
            file: 0,
            span: Span::new(18, 23),
            replacement: "\"16.10\"".into(),
        };
        assert_eq!(
            apply_edits(text, &[&e1, &e2]),
            "a: true # keep\r\nb: \"16.10\"\r\n"
        );
    }

    #[test]
    fn many_edits_apply_in_one_pass_and_skip_those_outside_the_text() {
        let text = "a: yes\n".repeat(1000);
        let mut edits: Vec<Edit> = (0..1000)
            .map(|i| Edit {
                file: 0,
                span: Span::new(i * 7 + 3, i * 7 + 6),
                replacement: "true".into(),
            })
            .collect();
        edits.push(Edit {
            file: 0,
            span: Span::new(text.len() + 1, text.len() + 2),
            replacement: "never".into(),
        });
        // Given in any order.
        edits.reverse();
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(apply_edits(&text, &refs), "a: true\n".repeat(1000));
    }

    #[test]
    fn an_insertion_beside_a_replacement_applies_as_before() {
        let replace = Edit {
            file: 0,
            span: Span::new(3, 6),
            replacement: "true".into(),
        };
        let insert = Edit {
            file: 0,
            span: Span::new(3, 3),
            replacement: "# x\n".into(),
        };
        assert_eq!(
            apply_edits("a: yes\n", &[&replace, &insert]),
            "a: # x\ntrue\n"
        );
    }

    #[test]
    fn taken_edits_are_found_by_lookup_as_by_scan() {
        let edit = |start, end| Edit {
            file: 0,
            span: Span::new(start, end),
            replacement: String::new(),
        };
        let taken_edits = [edit(10, 20), edit(20, 20), edit(30, 40), edit(45, 45)];
        let mut taken = Taken::new();
        for e in &taken_edits {
            taken.push(e);
        }
        assert!(taken.apart);
        for start in 0..50 {
            for end in start..50 {
                let span = Span::new(start, end);
                let scanned = taken_edits.iter().any(|t| overlaps(t.span, span));
                assert_eq!(taken.overlaps(span), scanned, "{start}..{end}");
            }
        }
        // One fix's own overlapping edits: scanned from then on.
        let inside = edit(12, 15);
        taken.push(&inside);
        assert!(!taken.apart);
        assert!(taken.overlaps(Span::new(13, 14)));
    }

    #[test]
    fn encodings_round_trip() {
        for encoding in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            let bytes = encode("é: 1\r\n", encoding);
            assert_eq!(
                crate::syntax::source::decode(&bytes).unwrap(),
                ("é: 1\r\n".to_owned(), encoding)
            );
        }
    }
}
