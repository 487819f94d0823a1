//! Suppressions: findings a team has decided to accept, each with a reason.
//!
//! Runs after the rules, before reporting. Inline suppressions are YAML, Terraform or PowerShell comments
//! (`# mamlint: ignore[MAM402] reason` at the end of the finding's line or on the line above;
//! `# mamlint: ignore-file[MAM406] reason` for the whole file; in Terraform `//` and `/* */`
//! comments too, in PowerShell `<# … #>`); JSON files are suppressed from `mamlint.toml` (`[[suppress]]` by path glob,
//! document, JSON Pointer and code, with an optional expiry date). Suppressions report on
//! themselves: MAM011 without a reason, MAM012 when they match nothing, MAM013 once expired.
//! MAM001 cannot be suppressed, nor can the findings about suppressions and configuration.

use std::collections::HashMap;

use crate::config::{Date, Suppression};
use crate::diagnostic::{Diagnostic, FileId, Location};
use crate::model::{Role, WorkspaceFile};
use crate::rules::{
    Context, ExpiredSuppression, InvalidConfiguration, ParseError, RuleMeta,
    SuppressionWithoutReason, UnusedSuppression,
};
use crate::selection::Selection;
use crate::syntax::Span;

/// Findings no suppression can hide.
pub fn is_unsuppressable(rule: &RuleMeta) -> bool {
    [
        ParseError::META.code,
        SuppressionWithoutReason::META.code,
        UnusedSuppression::META.code,
        ExpiredSuppression::META.code,
        InvalidConfiguration::META.code,
    ]
    .contains(&rule.code)
}

/// A parsed `# mamlint:` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    Ignore {
        whole_file: bool,
        codes: Vec<String>,
        reason: Option<String>,
    },
    /// Starts with `mamlint:` but is not a valid suppression.
    Malformed,
}

/// Parses the text of a comment (after `#`). `None` for comments that are not for mamlint.
pub fn parse_directive(comment: &str) -> Option<Directive> {
    let rest = comment.trim_start().strip_prefix("mamlint:")?.trim_start();
    let (whole_file, rest) = if let Some(rest) = rest.strip_prefix("ignore-file[") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix("ignore[") {
        (false, rest)
    } else {
        return Some(Directive::Malformed);
    };
    let Some((codes, reason)) = rest.split_once(']') else {
        return Some(Directive::Malformed);
    };
    let codes: Vec<String> = codes
        .split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Some(Directive::Malformed);
    }
    // The placeholder an editor's "ignore" action writes is not a reason yet.
    let reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty() && !r.starts_with("TODO"));
    Some(Directive::Ignore {
        whole_file,
        codes,
        reason,
    })
}

struct Inline {
    file: FileId,
    span: Span,
    /// Lines (1-based) whose findings it covers; empty for the whole file.
    lines: Vec<usize>,
    whole_file: bool,
    codes: Vec<String>,
    reason: Option<String>,
    used: bool,
}

fn inline_suppressions(
    files: &[WorkspaceFile],
    only: Option<FileId>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Inline> {
    let mut found = Vec::new();
    // One file's alone is looked up, not found by a scan: the language server settles files
    // one at a time, and a scan each would make it quadratic.
    let candidates: Vec<(FileId, &WorkspaceFile)> = match only {
        Some(file) => files.get(file).map(|f| (file, f)).into_iter().collect(),
        None => files.iter().enumerate().collect(),
    };
    for (file, wf) in candidates
        .into_iter()
        .filter(|(_, f)| f.role == Role::Checked)
    {
        let source = &wf.loaded.source;
        for comment in &wf.loaded.parsed.comments {
            let Some(directive) = parse_directive(&comment.text) else {
                continue;
            };
            let location = Location {
                file,
                span: comment.span,
                document: None,
                pointer: None,
            };
            match directive {
                Directive::Malformed => out.push(
                    Diagnostic::new(&UnusedSuppression::META, location, "this `# mamlint:` comment is not a suppression")
                        .label("not understood")
                        .help("write `# mamlint: ignore[CODE] reason` or `# mamlint: ignore-file[CODE] reason`"),
                ),
                Directive::Ignore { whole_file, codes, reason } => {
                    let line = source.line_col(comment.span.start as usize).line;
                    let before = source.contents().get(source.line_start(line)..comment.span.start as usize).unwrap_or("");
                    let lines = if before.trim().is_empty() { vec![line, line + 1] } else { vec![line] };
                    found.push(Inline { file, span: comment.span, lines, whole_file, codes, reason, used: false });
                }
            }
        }
    }
    found
}

/// The name of the document a finding is in: `metadata.name`, a Graph export's
/// `displayName`, or `#N` for the N-th document.
pub fn document_name(files: &[WorkspaceFile], location: &Location) -> String {
    let Some(index) = location.document else {
        return String::new();
    };
    let Some(document) = files
        .get(location.file)
        .and_then(|f| f.loaded.parsed.documents.get(index))
    else {
        return format!("#{index}");
    };
    let pointer = location.pointer.as_deref().unwrap_or_default();
    // In a Graph list response, the policy is the `value` item the pointer is in.
    let root = match pointer
        .strip_prefix("/value/")
        .and_then(|rest| rest.split('/').next())
    {
        Some(i) => document
            .root
            .pointer(&format!("/value/{i}"))
            .unwrap_or(&document.root),
        None => &document.root,
    };
    root.get("metadata")
        .and_then(|m| m.get("name"))
        .or_else(|| root.get("displayName"))
        .and_then(crate::syntax::Node::as_str)
        .map_or_else(|| format!("#{index}"), str::to_owned)
}

fn pointer_matches(prefix: &str, pointer: &str) -> bool {
    pointer == prefix || pointer.starts_with(&format!("{}/", prefix.trim_end_matches('/')))
}

/// What configured suppressions match a finding by, worked out once per finding however many
/// entries there are.
struct Target<'d> {
    d: &'d Diagnostic,
    absolute: &'d std::path::Path,
    document: std::cell::OnceCell<String>,
}

/// The configured suppressions' path globs as one set, so that a file is matched once against
/// all of them rather than once per entry. Without a set (it could not be built), each glob
/// is asked in turn.
struct PathGlobs {
    set: Option<globset::GlobSet>,
    /// The entry of each glob of the set.
    entry_of: Vec<usize>,
    /// The entries without a path glob, which apply to every file.
    unglobbed: Vec<usize>,
}

impl PathGlobs {
    fn new(entries: &[&Suppression]) -> Self {
        let mut builder = globset::GlobSetBuilder::new();
        let mut entry_of = Vec::new();
        let mut unglobbed = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            match &entry.path {
                Some(glob) => {
                    builder.add(glob.glob().clone());
                    entry_of.push(i);
                }
                None => unglobbed.push(i),
            }
        }
        PathGlobs {
            set: builder.build().ok(),
            entry_of,
            unglobbed,
        }
    }

    /// The entries whose path glob matches a path, in no particular order.
    fn matching(&self, entries: &[&Suppression], path: &std::path::Path) -> Vec<usize> {
        let matches = |i: &usize| entries[*i].path.as_ref().is_some_and(|g| g.is_match(path));
        match &self.set {
            Some(set) => set
                .matches(path)
                .into_iter()
                .map(|g| self.entry_of[g])
                .filter(matches)
                .collect(),
            None => self.entry_of.iter().copied().filter(matches).collect(),
        }
    }
}

fn config_matches(entry: &Suppression, files: &[WorkspaceFile], target: &Target<'_>) -> bool {
    let d = target.d;
    entry
        .path
        .as_ref()
        .is_none_or(|g| g.is_match(target.absolute))
        && entry.document.as_ref().is_none_or(|name| {
            *name
                == *target
                    .document
                    .get_or_init(|| document_name(files, &d.location))
        })
        && entry
            .pointer
            .as_ref()
            .is_none_or(|p| pointer_matches(p, d.location.pointer.as_deref().unwrap_or_default()))
        && entry.codes.iter().any(|c| Selection::matches(c, d.rule))
}

/// Whether each configured suppression could have matched something in this run: its file
/// (or document) was checked. A partial run, such as a pre-commit hook on changed files, does
/// not report suppressions for the files it did not see. Each checked file is matched once
/// against every glob, and its documents' names are gathered once.
fn config_relevant(
    entries: &[&Suppression],
    globs: &PathGlobs,
    files: &[WorkspaceFile],
) -> Vec<bool> {
    let checked: Vec<(FileId, &WorkspaceFile)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.role == Role::Checked)
        .collect();
    let mut relevant = vec![false; entries.len()];
    if !globs.entry_of.is_empty() {
        for (_, f) in &checked {
            let absolute = std::path::absolute(&f.loaded.source.path).unwrap_or_default();
            for i in globs.matching(entries, &absolute) {
                relevant[i] = true;
            }
        }
    }
    let names = std::cell::OnceCell::new();
    let names = || {
        names.get_or_init(|| {
            checked
                .iter()
                .flat_map(|&(file, f)| {
                    (0..f.loaded.parsed.documents.len()).map(move |i| {
                        let location = Location {
                            file,
                            span: Span::default(),
                            document: Some(i),
                            pointer: None,
                        };
                        document_name(files, &location)
                    })
                })
                .collect::<std::collections::HashSet<String>>()
        })
    };
    for &i in &globs.unglobbed {
        relevant[i] = match &entries[i].document {
            Some(name) => names().contains(name),
            None => !checked.is_empty(),
        };
    }
    relevant
}

fn names_enabled(codes: &[String], selection: &Selection, known: &[&RuleMeta]) -> bool {
    known
        .iter()
        .any(|m| selection.enabled(m) && codes.iter().any(|c| Selection::matches(c, m)))
}

// Inline and configured suppressions are matched in one pass over the findings so that
// each finding is hidden once and every suppression learns whether it was used.
/// Applies every suppression to the findings, and adds the findings about suppressions.
/// `known` is every rule a suppression may name: the built-in ones and the custom rules.
/// With `only`, the findings are those of that one file: only its inline suppressions apply
/// and report, and the configured ones (which span files) are left to a call without `only`.
pub fn apply(
    files: &[WorkspaceFile],
    cx: &Context<'_, '_>,
    selection: &Selection,
    known: &[&RuleMeta],
    diagnostics: Vec<Diagnostic>,
    only: Option<FileId>,
) -> Vec<Diagnostic> {
    let mut extra = Vec::new();
    let rules = Known {
        selection,
        metas: known,
    };
    let mut inline = inline_suppressions(files, only, &mut extra);
    // The inline suppressions covering each file and each line of a file, so a finding looks
    // only at those that can cover it.
    let mut whole_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    let mut by_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    for (i, s) in inline.iter().enumerate() {
        if s.whole_file {
            whole_file.entry(s.file).or_default().push(i);
        } else {
            for &line in &s.lines {
                by_line.entry((s.file, line)).or_default().push(i);
            }
        }
    }
    let today = Date::today();
    let configured: Vec<&Suppression> = cx
        .config
        .filter(|_| only.is_none())
        .map(|c| c.suppressions.iter().collect())
        .unwrap_or_default();
    let mut config_used = vec![false; configured.len()];
    let globs = PathGlobs::new(&configured);
    let mut by_file: HashMap<FileId, (std::path::PathBuf, Vec<usize>)> = HashMap::new();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if is_unsuppressable(d.rule) {
            kept.push(d);
            continue;
        }
        let line = files.get(d.location.file).map_or(0, |f| {
            f.loaded
                .source
                .line_col(d.location.span.start as usize)
                .line
        });
        // Every suppression that covers a finding counts as used, not only the first.
        let mut suppressed = false;
        let covering = whole_file
            .get(&d.location.file)
            .into_iter()
            .chain(by_line.get(&(d.location.file, line)))
            .flatten();
        for &i in covering {
            let s = &mut inline[i];
            if s.codes.iter().any(|c| Selection::matches(c, d.rule)) {
                s.used = true;
                suppressed = true;
            }
        }
        if !configured.is_empty() {
            // The entries that can apply in the finding's file, worked out once per file.
            let (absolute, candidates) = by_file.entry(d.location.file).or_insert_with(|| {
                let path = &files[d.location.file].loaded.source.path;
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.into());
                let candidates = globs.matching(&configured, &absolute);
                (absolute, candidates)
            });
            let target = Target {
                d: &d,
                absolute,
                document: std::cell::OnceCell::new(),
            };
            for &i in candidates.iter().chain(&globs.unglobbed) {
                let entry = configured[i];
                if entry.expires.is_none_or(|e| e >= today) && config_matches(entry, files, &target)
                {
                    config_used[i] = true;
                    suppressed = true;
                }
            }
        }
        if suppressed {
            continue;
        }
        kept.push(d);
    }

    for s in &inline {
        let location = Location {
            file: s.file,
            span: s.span,
            document: None,
            pointer: None,
        };
        report_suppression(
            &s.codes,
            s.reason.as_deref(),
            s.used,
            true,
            &rules,
            location,
            &mut extra,
        );
    }
    let relevant = if configured.is_empty() {
        Vec::new()
    } else {
        config_relevant(&configured, &globs, files)
    };
    for (i, entry) in configured.iter().enumerate() {
        let Some(&file) = cx.config_files.get(entry.source) else {
            continue;
        };
        let location = Location {
            file,
            span: entry.span,
            document: None,
            pointer: None,
        };
        if let Some(expired) = entry.expires.filter(|e| *e < today) {
            if relevant[i] {
                extra.push(
                    Diagnostic::new(
                        &ExpiredSuppression::META,
                        location,
                        format!("this suppression of {} expired on {expired} and no longer applies", entry.codes.join(", ")),
                    )
                    .label("expired")
                    .help("fix what it suppressed and remove the entry, or set a later `expires` with a reason"),
                );
            }
            continue;
        }
        report_suppression(
            &entry.codes,
            entry.reason.as_deref(),
            config_used[i],
            relevant[i],
            &rules,
            location,
            &mut extra,
        );
    }
    kept.extend(extra);
    kept
}

/// The rules a run knows (built-in and custom) and which of them are selected: what decides
/// whether a suppression names a rule at all, and whether an unused one is worth reporting.
struct Known<'a> {
    selection: &'a Selection,
    metas: &'a [&'a RuleMeta],
}

fn report_suppression(
    codes: &[String],
    reason: Option<&str>,
    used: bool,
    relevant: bool,
    known: &Known<'_>,
    location: Location,
    out: &mut Vec<Diagnostic>,
) {
    let Known {
        selection,
        metas: known,
    } = *known;
    let listed = codes.join(", ");
    let is_parse_error = |c: &String| c.eq_ignore_ascii_case(ParseError::META.code);
    let suppressible: Vec<String> = codes
        .iter()
        .filter(|c| !is_parse_error(c))
        .cloned()
        .collect();
    if codes.iter().any(is_parse_error) {
        out.push(
            Diagnostic::new(
                &UnusedSuppression::META,
                location.clone(),
                "MAM001 cannot be suppressed",
            )
            .label("a file that cannot be read is not checked")
            .help("fix the syntax or encoding of the file instead"),
        );
    }
    let unknown: Vec<&String> = codes
        .iter()
        .filter(|c| !Selection::is_known_pattern(c, known))
        .collect();
    if !unknown.is_empty() {
        let names = unknown
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::new(
                &UnusedSuppression::META,
                location.clone(),
                format!("this suppression names no rule: {names}"),
            )
            .label("unknown rule")
            .help("`mamlint rule --all` lists the rules"),
        );
    } else if !used && relevant && names_enabled(&suppressible, selection, known) {
        out.push(
            Diagnostic::new(
                &UnusedSuppression::META,
                location.clone(),
                format!("this suppression of {listed} matches no finding"),
            )
            .label("unused")
            .help("remove it: what it suppressed is gone"),
        );
    }
    if reason.is_none() {
        out.push(
            Diagnostic::new(
                &SuppressionWithoutReason::META,
                location,
                format!("this suppression of {listed} gives no reason"),
            )
            .label("no reason")
            .help("say why the finding is accepted, after the brackets or in `reason`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        assert_eq!(
            parse_directive(" mamlint: ignore[MAM402, MAM406] staged rollout"),
            Some(Directive::Ignore {
                whole_file: false,
                codes: vec!["MAM402".into(), "MAM406".into()],
                reason: Some("staged rollout".into())
            })
        );
        assert_eq!(
            parse_directive("mamlint: ignore-file[MAM006]"),
            Some(Directive::Ignore {
                whole_file: true,
                codes: vec!["MAM006".into()],
                reason: None
            })
        );
        assert_eq!(
            parse_directive(" mamlint: disable MAM402"),
            Some(Directive::Malformed)
        );
        assert_eq!(
            parse_directive(" mamlint: ignore[] why"),
            Some(Directive::Malformed)
        );
        assert_eq!(parse_directive(" an ordinary comment"), None);
    }

    #[test]
    fn pointers_match_by_prefix_on_token_boundaries() {
        assert!(pointer_matches("/spec/apps", "/spec/apps/1"));
        assert!(pointer_matches("/spec/apps", "/spec/apps"));
        assert!(!pointer_matches("/spec/app", "/spec/apps/1"));
    }
}
