//! `syntax`: bytes → decoded text → spanned document trees.
//!
//! The first stage of the data flow (`syntax` → `model` → `rules` → `diagnostic` → `report`).
//! [`load`] turns a file's bytes into a [`SourceFile`] and its [`Document`]s, whatever the
//! format (YAML, JSON, or Terraform and Microsoft365DSC, whose resources become Graph-shaped documents) and
//! encoding; a file that cannot be read carries a [`ParseError`] that the linter reports as
//! MAM001, never a panic.

pub mod json;
pub mod node;
pub mod powershell;
pub mod source;
pub mod terraform;
pub mod yaml;

pub use node::{Comment, Document, Hit, Key, Member, Node, Resource, Style, Value, push_pointer};
pub use source::{Encoding, LineCol, SourceFile, Span};

/// Largest file mamlint reads. Policy files are a few kilobytes; this bounds memory on
/// accidental inputs (a build artifact, a data dump).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a regular file, never more than `MAX_FILE_BYTES + 1` bytes (so an oversized file
/// is seen to be oversized without being read whole). Devices, FIFOs and directories are
/// refused: `/dev/zero` or a named pipe must not hang or exhaust a run. Every file mamlint
/// reads goes through here.
pub fn read_bounded(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Like [`read_bounded`], but a file over the limit is an error rather than a finding (for
/// configuration, baselines and exports, which have no file of their own to report in).
pub fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let bytes = read_bounded(path)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("over the {MAX_FILE_BYTES}-byte limit"),
        ));
    }
    Ok(bytes)
}

/// Most values one file may hold, counting expanded YAML aliases.
pub const MAX_NODES: usize = 2_000_000;

/// Most values YAML anchors and aliases may copy in one file.
pub const MAX_ALIAS_NODES: usize = 500_000;

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

impl ParsedFile {
    /// Moves every tree, comment and list into allocations of their exact size (see
    /// [`Node::compact`]).
    pub fn compact(&mut self) {
        self.documents = node::exact(&mut self.documents);
        for document in &mut self.documents {
            document.root.compact();
            if let Some(resource) = &mut document.resource {
                resource.unknown = node::exact(&mut resource.unknown);
            }
        }
        self.comments = node::exact(&mut self.comments);
        for comment in &mut self.comments {
            comment.text = String::from(comment.text.as_str());
        }
    }
}

/// Which front end reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    /// mamlint's own configuration; never parsed into documents here.
    Toml,
    /// Terraform (`*.tf`): one document per policy resource of the providers mamlint reads.
    Terraform,
    /// A Microsoft365DSC configuration (`*.ps1`).
    PowerShell,
}

impl Format {
    /// From the file name; standard input and unknown extensions are sniffed from the text.
    pub fn detect(path: &str, text: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".toml") {
            Format::Toml
        } else if lower.ends_with(".tf") {
            Format::Terraform
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else if lower.ends_with(".ps1") {
            Format::PowerShell
        } else if text.trim_start().starts_with(['{', '[']) {
            Format::Json
        } else {
            Format::Yaml
        }
    }

    /// Whether `--fix` edits files of this format (spec §8.4: YAML and JSON only); findings in
    /// other files are reported without their fixes.
    pub fn is_fixable(self) -> bool {
        match self {
            Format::Yaml | Format::Json => true,
            Format::Toml | Format::Terraform | Format::PowerShell => false,
        }
    }
}

/// A file after loading: its text and documents. A file that could not be decoded has empty
/// text and its reason in `parsed.error`, so every file of a run can be reported the same way.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub format: Format,
    pub parsed: ParsedFile,
}

/// Decodes and parses one file's bytes. Never fails: a file that cannot be read as YAML,
/// JSON or Terraform carries a [`ParseError`] instead.
pub fn load(path: &str, bytes: &[u8]) -> LoadedFile {
    // A file that cannot be read keeps the text before the problem, so the finding points at
    // the line and column where decoding failed rather than at 1:1.
    let failed = |message: String, text: String| {
        let at = text.len();
        LoadedFile {
            source: SourceFile::new(path, text, Encoding::Utf8),
            format: Format::detect(path, ""),
            parsed: ParsedFile {
                error: Some(ParseError {
                    span: Span::empty(at),
                    message,
                }),
                ..ParsedFile::default()
            },
        }
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return failed(
            format!("the file is larger than the {MAX_FILE_BYTES}-byte limit for policy files"),
            String::new(),
        );
    }
    let (text, encoding) = match source::decode(bytes) {
        Ok(decoded) => decoded,
        Err(error) => {
            let prefix = source::decode_prefix(bytes, &error);
            return failed(error.to_string(), prefix);
        }
    };
    let format = Format::detect(path, &text);
    let parsed = match format {
        Format::Json => json::parse(&text),
        Format::Yaml => yaml::parse(&text),
        Format::Terraform => terraform::parse(&text),
        Format::Toml => ParsedFile::default(),
        Format::PowerShell => powershell::parse(&text),
    };
    LoadedFile {
        source: SourceFile::new(path, text, encoding),
        format,
        parsed,
    }
}

/// Whether raw bytes mention mamlint manifests, Graph app protection policies or the Terraform
/// resource types mamlint reads. Files found by walking a directory that fail to load are
/// reported only when they look like policy files, so a broken `package.json` or `main.tf`
/// elsewhere in the repository is not a policy finding.
pub fn looks_like_policy(bytes: &[u8]) -> bool {
    const MARKERS: [&str; 3] = ["mamlint/", "ManagedAppProtection", "managedAppProtection"];
    let utf8 = String::from_utf8_lossy(bytes);
    if MARKERS.iter().any(|m| utf8.contains(m))
        || terraform::policy_resource_types().any(|t| utf8.contains(t))
    {
        return true;
    }
    [Encoding::Utf16Le, Encoding::Utf16Be]
        .into_iter()
        .any(|order| {
            let text: String = char::decode_utf16(source::utf16_units(bytes, order))
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect();
            MARKERS.iter().any(|m| text.contains(m))
        })
}
