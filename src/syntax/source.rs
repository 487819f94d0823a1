//! Source files: bytes from disk decoded to text, and positions within that text.
//!
//! This is the first step of the data flow. Every later layer refers to text by [`Span`]
//! (a byte range into [`SourceFile::text`]) and asks the file for lines and columns only when
//! a diagnostic is rendered.

use std::fmt;

/// A byte range `start..end` into a [`SourceFile`]'s decoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        // Files are capped far below 4 GiB (see `MAX_FILE_BYTES`), so offsets fit in u32.
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How a file's bytes were encoded on disk. Fix edits are given in on-disk byte offsets, so
/// the encoding is kept to translate offsets back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        })
    }
}

/// Why a file's bytes could not be turned into text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "the file is not valid UTF-8 (invalid byte sequence at byte {offset}); save it as UTF-8 or as UTF-16 with a byte order mark"
    )]
    InvalidUtf8 { offset: usize },
    #[error(
        "the file looks binary (NUL byte at byte {offset}); policy files are UTF-8 or UTF-16 text"
    )]
    Binary { offset: usize },
    #[error(
        "the file is not valid {encoding} (unpaired surrogate or odd length near byte {offset})"
    )]
    InvalidUtf16 { encoding: Encoding, offset: usize },
}

impl DecodeError {
    /// Byte offset in the raw file where decoding failed.
    pub fn offset(&self) -> usize {
        match *self {
            DecodeError::InvalidUtf8 { offset }
            | DecodeError::Binary { offset }
            | DecodeError::InvalidUtf16 { offset, .. } => offset,
        }
    }
}

/// The text before a decoding error, for pointing at the error's line and column: the bytes
/// before the error's offset, decoded as far as they go.
pub fn decode_prefix(bytes: &[u8], error: &DecodeError) -> String {
    let end = error.offset().min(bytes.len());
    let utf16 = match bytes {
        [0xFF, 0xFE, ..] => Some(Encoding::Utf16Le),
        [0xFE, 0xFF, ..] => Some(Encoding::Utf16Be),
        _ => None,
    };
    match utf16 {
        Some(encoding) => {
            let body = bytes.get(2..end).unwrap_or_default();
            char::decode_utf16(utf16_units(body, encoding))
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        None => {
            let body = bytes.get(..end).unwrap_or_default();
            let body = body.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(body);
            String::from_utf8_lossy(body).into_owned()
        }
    }
}

/// The UTF-16 code units of bytes in a byte order (`Utf16Be`, else little-endian); an odd last
/// byte is left out.
pub fn utf16_units(bytes: &[u8], encoding: Encoding) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |pair| match encoding {
        Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
        _ => u16::from_le_bytes([pair[0], pair[1]]),
    })
}

/// Decodes file bytes: UTF-8 with or without BOM, UTF-16 LE/BE with BOM.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode_utf8(rest, 3).map(|text| (text, Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, Encoding::Utf16Le).map(|text| (text, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, Encoding::Utf16Be).map(|text| (text, Encoding::Utf16Be));
    }
    decode_utf8(bytes, 0).map(|text| (text, Encoding::Utf8))
}

fn decode_utf8(bytes: &[u8], skipped: usize) -> Result<String, DecodeError> {
    let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        offset: skipped + e.valid_up_to(),
    })?;
    reject_nul(text, skipped)?;
    Ok(text.to_owned())
}

fn decode_utf16(bytes: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            encoding,
            offset: bytes.len() + 1,
        });
    }
    let units = utf16_units(bytes, encoding);
    let mut text = String::with_capacity(bytes.len() / 2);
    // Offsets are in the raw file: the BOM, then two bytes per code unit. An astral-plane
    // character is two units, so count units, not characters.
    let mut units_read = 0usize;
    let mut first_nul = None;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                if c == '\0' && first_nul.is_none() {
                    first_nul = Some(2 + 2 * units_read);
                }
                text.push(c);
                units_read += c.len_utf16();
            }
            Err(_) => {
                return Err(DecodeError::InvalidUtf16 {
                    encoding,
                    offset: 2 + 2 * units_read,
                });
            }
        }
    }
    match first_nul {
        Some(offset) => Err(DecodeError::Binary { offset }),
        None => Ok(text),
    }
}

fn reject_nul(text: &str, skipped: usize) -> Result<(), DecodeError> {
    match text.find('\0') {
        Some(offset) => Err(DecodeError::Binary {
            offset: skipped + offset,
        }),
        None => Ok(()),
    }
}

/// A decoded file with a line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative); `-` for standard input.
    pub path: String,
    /// The decoded text, without byte order mark; empty once [`SourceFile::release`]d, so code
    /// that may run after the file-scope stage reads it through [`SourceFile::contents`].
    pub text: String,
    pub encoding: Encoding,
    lines: LineIndex,
    /// Set by [`SourceFile::release`]: what identifies the text that was let go, and the text
    /// read back from disk on first use (`None` when the file changed since).
    released: Option<Box<Released>>,
    /// Whether the text is ASCII, so that a column is a byte distance.
    ascii: bool,
    /// For other text, built on first use: the number of characters before every
    /// `CHAR_MARK_STRIDE`-th byte (rounded down to a character boundary). A column is then a
    /// lookup plus a count over at most one stride, whatever the length of the line: a
    /// minified Graph export with thousands of findings on one line stays linear.
    char_marks: std::sync::OnceLock<Vec<(u32, u32)>>,
}

const CHAR_MARK_STRIDE: usize = 256;

/// Where each line of a file starts. A released file's index is most of what its text leaves
/// behind (four bytes a line, a tenth of a large run's heap), so [`SourceFile::release`] packs
/// it: each line's length in one byte, and every [`LINE_MARK_STRIDE`]-th line's start, so a
/// lookup is a binary search and a sum over at most one stride.
#[derive(Debug)]
enum LineIndex {
    /// The offset where each line starts; the first is 0.
    Starts(Vec<u32>),
    /// For text whose lines are all shorter than 256 bytes with their line break: the length
    /// of every line but the last, and the start of lines 0, STRIDE, 2 × STRIDE, ...
    Packed {
        lengths: Box<[u8]>,
        marks: Box<[u32]>,
    },
}

const LINE_MARK_STRIDE: usize = 32;

impl LineIndex {
    fn of(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex::Starts(starts)
    }

    /// The packed index of the same lines, or an exact-size copy where a line is too long.
    fn packed(&mut self) -> Self {
        let LineIndex::Starts(starts) = self else {
            return std::mem::replace(self, LineIndex::Starts(Vec::new()));
        };
        let lengths: Option<Box<[u8]>> = starts
            .windows(2)
            .map(|pair| u8::try_from(pair[1].checked_sub(pair[0])?).ok())
            .collect();
        match lengths {
            Some(lengths) => LineIndex::Packed {
                lengths,
                marks: starts.iter().copied().step_by(LINE_MARK_STRIDE).collect(),
            },
            None => LineIndex::Starts(super::node::exact(starts)),
        }
    }

    fn count(&self) -> usize {
        match self {
            LineIndex::Starts(starts) => starts.len(),
            LineIndex::Packed { lengths, .. } => lengths.len() + 1,
        }
    }

    /// The start of the 0-based `line`.
    fn start(&self, line: usize) -> Option<usize> {
        match self {
            LineIndex::Starts(starts) => starts.get(line).map(|&s| s as usize),
            LineIndex::Packed { lengths, marks } => {
                if line > lengths.len() {
                    return None;
                }
                let mark = line / LINE_MARK_STRIDE;
                let from = mark * LINE_MARK_STRIDE;
                let before: usize = lengths[from..line].iter().map(|&l| usize::from(l)).sum();
                Some(*marks.get(mark)? as usize + before)
            }
        }
    }

    /// The 0-based line holding `offset`, and where it starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        match self {
            LineIndex::Starts(starts) => {
                let line = match starts.binary_search(&(offset as u32)) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                (line, starts.get(line).map_or(0, |&s| s as usize))
            }
            LineIndex::Packed { lengths, marks } => {
                let mark = match marks.binary_search(&(offset as u32)) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                let mut line = mark * LINE_MARK_STRIDE;
                let mut start = marks.get(mark).map_or(0, |&s| s as usize);
                while let Some(&length) = lengths.get(line)
                    && start + usize::from(length) <= offset
                {
                    start += usize::from(length);
                    line += 1;
                }
                (line, start)
            }
        }
    }
}

#[derive(Debug)]
struct Released {
    len: usize,
    hash: u64,
    reread: std::sync::OnceLock<Option<String>>,
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String, encoding: Encoding) -> Self {
        SourceFile {
            lines: LineIndex::of(&text),
            path: path.into(),
            ascii: text.is_ascii(),
            text,
            encoding,
            released: None,
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// Lets go of the text of a file read from disk, keeping its line index (packed), so a run
    /// over a large repository holds spans rather than every file's bytes;
    /// [`SourceFile::contents`] reads it back when a finding needs it. Only ASCII text is let
    /// go: every offset is then a character boundary and a column a byte distance, so
    /// positions need no text. Returns whether the text was let go.
    pub fn release(&mut self) -> bool {
        if !self.ascii || self.released.is_some() {
            return false;
        }
        let text = std::mem::take(&mut self.text);
        self.released = Some(Box::new(Released {
            len: text.len(),
            hash: text_hash(&text),
            reread: std::sync::OnceLock::new(),
        }));
        self.lines = self.lines.packed();
        true
    }

    /// Whether [`SourceFile::release`] let the text go.
    pub fn is_released(&self) -> bool {
        self.released.is_some()
    }

    /// The decoded text: kept in memory, or for a released file read back from disk once
    /// (through [`super::read_bounded`]) and kept from then on. A file whose text changed
    /// since it was checked gives the empty text, never one its spans do not describe.
    pub fn contents(&self) -> &str {
        let Some(released) = &self.released else {
            return &self.text;
        };
        released
            .reread
            .get_or_init(|| {
                let bytes = super::read_bounded(std::path::Path::new(&self.path)).ok()?;
                let (text, _) = decode(&bytes).ok()?;
                (text.len() == released.len && text_hash(&text) == released.hash).then_some(text)
            })
            .as_deref()
            .unwrap_or("")
    }

    /// The length of the text in bytes, released or not.
    pub fn len(&self) -> usize {
        self.released.as_ref().map_or(self.text.len(), |r| r.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of characters in `text[..offset]` (`offset` on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = vec![(0u32, 0u32)];
            let mut chars = 0u32;
            let mut next = CHAR_MARK_STRIDE;
            for (at, _) in self.text.char_indices() {
                if at >= next {
                    marks.push((u32::try_from(at).unwrap_or(u32::MAX), chars));
                    next = at + CHAR_MARK_STRIDE;
                }
                chars = chars.saturating_add(1);
            }
            marks
        });
        let index = match marks.binary_search_by_key(&(offset as u32), |&(at, _)| at) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (at, chars) = marks.get(index).copied().unwrap_or((0, 0));
        let at = (at as usize).min(offset);
        chars as usize + self.text.get(at..offset).map_or(0, |t| t.chars().count())
    }

    /// Clamps an offset into the text and onto a character boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.len());
        // ASCII text (every released text is) has a boundary at every offset.
        if self.ascii {
            return offset;
        }
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let (line, start) = self.lines.line_of(offset);
        LineCol {
            line: line + 1,
            column: self.chars_before(offset) - self.chars_before(start) + 1,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.lines.start(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.lines.start(line).unwrap_or(self.len());
        self.contents()
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.lines.start(line.wrapping_sub(1)).unwrap_or(self.len())
    }

    pub fn line_count(&self) -> usize {
        self.lines.count()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.contents().get(span.range()).unwrap_or("")
    }

    /// Translates an offset in the decoded text to a byte offset in the file on disk.
    pub fn disk_offset(&self, offset: usize) -> usize {
        let offset = self.clamp(offset);
        match self.encoding {
            Encoding::Utf8 => offset,
            Encoding::Utf8Bom => offset + 3,
            // One UTF-16 unit per ASCII character: no text needed.
            Encoding::Utf16Le | Encoding::Utf16Be if self.ascii => 2 + 2 * offset,
            Encoding::Utf16Le | Encoding::Utf16Be => {
                2 + 2 * self.text[..offset]
                    .chars()
                    .map(char::len_utf16)
                    .sum::<usize>()
            }
        }
    }

    /// The line break the file uses, for edits that insert lines.
    pub fn line_break(&self) -> &'static str {
        if self.contents().contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed index of a released file answers every offset and line as the full one:
    /// lines around the 255-byte limit of a packed length, more lines than a stride, a file
    /// without a last line break, and one with a line too long to pack.
    #[test]
    fn a_packed_line_index_answers_as_the_full_one() {
        let lengths = [0, 1, 7, 253, 254, 255, 30, 0, 0, 12];
        let mut packable = String::new();
        for round in 0..9 {
            for length in lengths {
                packable.push_str(&"x".repeat((length + round) % 255));
                packable.push('\n');
            }
        }
        packable.push_str("no line break at the end");
        let too_long = format!("short\n{}\nshort\n", "y".repeat(255));
        for (text, packs) in [
            (&packable, true),
            (&too_long, false),
            (&String::new(), true),
        ] {
            let full = LineIndex::of(text);
            let packed = LineIndex::of(text).packed();
            assert_eq!(matches!(packed, LineIndex::Packed { .. }), packs);
            assert_eq!(packed.count(), full.count());
            for line in 0..=full.count() + 1 {
                assert_eq!(packed.start(line), full.start(line), "line {line}");
            }
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    packed.line_of(offset),
                    full.line_of(offset),
                    "offset {offset}"
                );
            }
        }
        assert!(packable.lines().count() > 2 * LINE_MARK_STRIDE);
    }

    #[test]
    fn columns_count_characters_on_long_non_ascii_lines() {
        let line: String = (0..3000)
            .map(|i| match i % 5 {
                0 => 'é',
                1 => '😀',
                2 => '\t',
                _ => 'a',
            })
            .collect();
        let text = format!("first\r\n{line}\nlast é\n");
        let file = SourceFile::new("x.yaml", text.clone(), Encoding::Utf8);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(file.line_col(offset).column, expected, "offset {offset}");
        }
        // Offsets inside a character are clamped to its start.
        let inside = text.find('😀').unwrap() + 2;
        assert_eq!(file.line_col(inside), file.line_col(inside - 2));
    }

    #[test]
    fn decodes_utf16le_with_bom_and_crlf() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "{\r\n  \"a\": \"é\"\r\n}".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(encoding, Encoding::Utf16Le);
        assert_eq!(text, "{\r\n  \"a\": \"é\"\r\n}");
        let file = SourceFile::new("x.json", text, encoding);
        // `"é"` starts at decoded byte 11; on disk: BOM + 11 UTF-16 units.
        assert_eq!(file.disk_offset(11), 2 + 2 * 11);
    }

    #[test]
    fn decodes_utf16be_and_utf8_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in "a: 1".encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        assert_eq!(
            decode(&bytes).unwrap(),
            ("a: 1".to_owned(), Encoding::Utf16Be)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFa: 1").unwrap(),
            ("a: 1".to_owned(), Encoding::Utf8Bom)
        );
    }

    #[test]
    fn rejects_invalid_utf8_and_binary() {
        assert_eq!(
            decode(b"a: \xFF"),
            Err(DecodeError::InvalidUtf8 { offset: 3 })
        );
        assert_eq!(decode(b"ab\0cd"), Err(DecodeError::Binary { offset: 2 }));
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x00]),
            Err(DecodeError::InvalidUtf16 { .. })
        ));
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8]),
            Err(DecodeError::InvalidUtf16 { .. })
        ));
    }

    #[test]
    fn utf16_error_offsets_are_raw_byte_offsets_after_astral_characters() {
        let encode = |text: &str, be: bool| -> Vec<u8> {
            let mut bytes = if be {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for unit in text.encode_utf16() {
                bytes.extend(if be {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            bytes
        };
        for be in [false, true] {
            let encoding = if be {
                Encoding::Utf16Be
            } else {
                Encoding::Utf16Le
            };
            // BOM (2) + 'a' (1 unit) + '😀' (2 units) + '𝔸' (2 units): the lone trail
            // surrogate is the sixth unit, at byte 2 + 2 * 5 = 12.
            let mut bytes = encode("a😀𝔸", be);
            bytes.extend(if be { [0xDC, 0x00] } else { [0x00, 0xDC] });
            bytes.extend(encode("b", be).split_off(2));
            assert_eq!(
                decode(&bytes),
                Err(DecodeError::InvalidUtf16 {
                    encoding,
                    offset: 12
                })
            );
            // A lone lead surrogate followed by an ordinary unit is reported at the lead.
            let mut bytes = encode("😀", be);
            bytes.extend(if be { [0xD8, 0x00] } else { [0x00, 0xD8] });
            bytes.extend(encode("c", be).split_off(2));
            assert_eq!(decode(&bytes).map_err(|e| e.offset()), Err(6));
            // A NUL after astral characters: BOM + 'a' + '😀' is 2 + 2 * 3 = 8 bytes.
            let bytes = encode("a😀\0z", be);
            assert_eq!(decode(&bytes), Err(DecodeError::Binary { offset: 8 }));
            assert_eq!(&bytes[8..10], [0, 0]);
            // An odd length is reported at the dangling last byte.
            let mut bytes = encode("😀", be);
            bytes.push(b'x');
            assert_eq!(decode(&bytes).map_err(|e| e.offset()), Err(6));
        }
    }

    #[test]
    fn a_released_file_keeps_its_positions_and_reads_its_text_back_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        let text = "a: 1\r\nbb: two\nlast";
        std::fs::write(&path, text).unwrap();
        let path = path.to_string_lossy().into_owned();
        let mut file = SourceFile::new(path.clone(), text.to_owned(), Encoding::Utf8);
        let positions: Vec<LineCol> = (0..=text.len() + 2).map(|o| file.line_col(o)).collect();
        assert!(file.release());
        assert!(file.text.is_empty() && file.is_released());
        assert_eq!((file.len(), file.line_count()), (text.len(), 3));
        let released: Vec<LineCol> = (0..=text.len() + 2).map(|o| file.line_col(o)).collect();
        assert_eq!(released, positions);
        assert_eq!(file.disk_offset(4), 4);
        // Read back on first use, and kept: a later change on disk is not seen.
        assert_eq!(file.line_text(2), "bb: two");
        std::fs::write(&path, "changed").unwrap();
        assert_eq!(file.contents(), text);
        assert_eq!(file.line_break(), "\r\n");

        // A file that changed before its text was read back gives the empty text.
        let mut changed = SourceFile::new(path.clone(), text.to_owned(), Encoding::Utf8);
        assert!(changed.release());
        std::fs::write(&path, text.replace("two", "TWO")).unwrap();
        assert_eq!((changed.contents(), changed.line_text(2)), ("", ""));
        assert_eq!(changed.slice(Span::new(0, 4)), "");

        // Columns of other text need the text: it is kept.
        let mut accented = SourceFile::new(path, "é: 1\n".to_owned(), Encoding::Utf8);
        assert!(!accented.release());
        assert_eq!(accented.contents(), "é: 1\n");
    }

    #[test]
    fn columns_count_unicode_scalar_values() {
        let file = SourceFile::new("x", "é: 1\r\nkey: ü\n".to_owned(), Encoding::Utf8);
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(2), LineCol { line: 1, column: 2 });
        let u = file.text.find('ü').unwrap();
        assert_eq!(file.line_col(u), LineCol { line: 2, column: 6 });
        assert_eq!(file.line_text(1), "é: 1");
        assert_eq!(
            file.line_col(u + 1),
            LineCol { line: 2, column: 6 },
            "clamped to a char boundary"
        );
    }
}
