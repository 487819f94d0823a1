//! `syntax`: bytes → decoded text → spanned document trees.
//!
//! The first stage of the data flow (`syntax` → `model` → `rules` → `diagnostic` → `report`).
//! [`load`] turns a file's bytes into a [`SourceFile`] and its [`Document`]s, whatever the
//! format (YAML or JSON) and encoding; a failure is a [`LoadError`] that the linter reports as
//! MAM001, never a panic.

pub mod json;
pub mod node;
pub mod source;
pub mod yaml;

pub use node::{Comment, Document, Member, Node, Style, Value, push_pointer};
pub use source::{Encoding, LineCol, SourceFile, Span};

/// Largest file mamlint reads. Policy files are a few kilobytes; this bounds memory on
/// accidental inputs (a build artifact, a data dump).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Most values one file may hold, counting expanded YAML aliases.
pub const MAX_NODES: usize = 2_000_000;

/// A syntax error at a position in the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

/// What a front end produced: the documents parsed, comments, and the first error if any.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub comments: Vec<Comment>,
    pub error: Option<ParseError>,
}

/// Which front end reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// From the file name; standard input and unknown extensions are sniffed from the text.
    pub fn detect(path: &str, text: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else if text.trim_start().starts_with(['{', '[']) {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// A file after loading: its text and documents, or why they could not be had.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub format: Format,
    pub parsed: ParsedFile,
}

/// Why a file produced no text.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Decode(#[from] source::DecodeError),
    #[error("the file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit for policy files")]
    TooLarge { size: u64 },
}

/// Decodes and parses one file's bytes.
pub fn load(path: &str, bytes: &[u8]) -> Result<LoadedFile, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { size: bytes.len() as u64 });
    }
    let (text, encoding) = source::decode(bytes)?;
    let format = Format::detect(path, &text);
    let parsed = match format {
        Format::Json => json::parse(&text),
        Format::Yaml => yaml::parse(&text),
    };
    Ok(LoadedFile { source: SourceFile::new(path, text, encoding), format, parsed })
}
