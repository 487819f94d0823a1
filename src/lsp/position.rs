//! Positions: byte offsets in mamlint's text ⇄ LSP line/character in the negotiated encoding.
//!
//! LSP counts characters in UTF-16 code units by default; a client may offer UTF-8. Lines are
//! split at `\n` (a `\r` before it belongs to the line break, never to a character count).

use gen_lsp_types::{Position, Range};

use crate::syntax::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

fn width(text: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => text.len(),
        Encoding::Utf16 => text.encode_utf16().count(),
    }
}

/// The LSP position of a byte offset.
pub fn position(source: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let offset = source.clamp(offset);
    let line = source.line_col(offset).line;
    let start = source.line_start(line);
    let before = source.text[start..offset].trim_end_matches('\r');
    Position {
        line: (line - 1) as u32,
        character: width(before, encoding) as u32,
    }
}

pub fn range(source: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(source, span.start as usize, encoding),
        end: position(source, span.end as usize, encoding),
    }
}

/// The byte offset of an LSP position in a text; positions past a line's end clamp to it.
pub fn offset(text: &str, position: Position, encoding: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let mut units = 0usize;
    for (index, c) in line.char_indices() {
        if units >= position.character as usize {
            return line_start + index;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    line_start + line.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Encoding as FileEncoding;

    #[test]
    fn utf16_and_utf8_columns_on_non_ascii_crlf_lines() {
        let text = "a: é😀x\r\nb: 1\r\n";
        let file = SourceFile::new("x", text.to_owned(), FileEncoding::Utf8);
        let x = text.find('x').unwrap();
        assert_eq!(
            position(&file, x, Encoding::Utf16),
            Position {
                line: 0,
                character: 6
            }
        );
        assert_eq!(
            position(&file, x, Encoding::Utf8),
            Position {
                line: 0,
                character: 9
            }
        );
        assert_eq!(
            offset(
                text,
                Position {
                    line: 0,
                    character: 6
                },
                Encoding::Utf16
            ),
            x
        );
        assert_eq!(
            offset(
                text,
                Position {
                    line: 0,
                    character: 9
                },
                Encoding::Utf8
            ),
            x
        );
        let b = text.find('b').unwrap();
        assert_eq!(
            position(&file, b, Encoding::Utf16),
            Position {
                line: 1,
                character: 0
            }
        );
        // The end of line 0 is before `\r`.
        assert_eq!(
            offset(
                text,
                Position {
                    line: 0,
                    character: 99
                },
                Encoding::Utf16
            ),
            text.find('\r').unwrap()
        );
        assert_eq!(
            position(&file, text.find('\r').unwrap(), Encoding::Utf16),
            Position {
                line: 0,
                character: 7
            }
        );
        assert_eq!(
            offset(
                text,
                Position {
                    line: 9,
                    character: 0
                },
                Encoding::Utf16
            ),
            text.len()
        );
    }
}
