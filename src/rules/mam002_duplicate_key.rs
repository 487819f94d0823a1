use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, FileId, Location};
use crate::model::Classified;
use crate::syntax::{Member, push_pointer};

declare_rule! {
    /// ## What it checks
    /// A mapping (YAML) or object (JSON) that repeats a key. The finding points at the repeated
    /// key, with a second label on the first definition.
    ///
    /// ## Why it matters
    /// Tools disagree on which value wins. YAML forbids duplicates; most JSON parsers keep the
    /// last value; PowerShell's `ConvertFrom-Json` refuses the file. A duplicated
    /// `pinRequired` can silently turn the PIN off in one tool and on in another. mamlint
    /// reads the last value, like Graph's JSON parser, and reports the conflict.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     pinRequired: true
    ///     pinRequired: false
    /// ```
    ///
    /// ## Fix
    /// Keep one definition.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec:
    ///   platform: ios
    ///   displayName: Atlassian apps (iOS)
    ///   settings:
    ///     pinRequired: true
    /// ```
    ///
    /// ## Source
    /// YAML 1.2.2 §3.2.1.1 ("the content of a mapping node is an unordered set of key/value
    /// node pairs, with the restriction that each of the keys is unique"); RFC 8259 §4.
    pub struct DuplicateKey {
        code: "MAM002",
        name: "duplicate-key",
        severity: Error,
        summary: "A mapping repeats a key.",
    }
}

/// Each member whose key an earlier member of the mapping already has, with that first
/// member. Linear in the size of the mapping: a hash of keys once it is more than a few long.
fn repeated_keys(members: &[Member]) -> Vec<(&Member, &Member)> {
    const SCAN: usize = 16;
    if members.len() <= SCAN {
        return members
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((m, members[..i].iter().find(|f| f.key == m.key)?)))
            .collect();
    }
    let mut first: HashMap<&str, &Member> = HashMap::with_capacity(members.len());
    let mut repeated = Vec::new();
    for member in members {
        match first.entry(member.key.as_str()) {
            Entry::Occupied(entry) => repeated.push((member, *entry.get())),
            Entry::Vacant(entry) => {
                entry.insert(member);
            }
        }
    }
    repeated
}

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_file(&self, cx: &Context<'_, '_>, file: FileId, out: &mut Vec<Diagnostic>) {
        let Some(wf) = cx.workspace.files.get(file) else {
            return;
        };
        for (document, class) in wf.loaded.parsed.documents.iter().zip(&wf.classes) {
            if matches!(class, Classified::Unrecognized) {
                continue;
            }
            document.root.walk_mappings("", |pointer, members| {
                for (member, first) in repeated_keys(members) {
                    let at = |span| Location {
                        file,
                        span,
                        document: Some(document.index),
                        pointer: Some(push_pointer(pointer, &member.key)),
                    };
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            at(member.key_span),
                            format!("duplicate key `{}`", member.key),
                        )
                        .label("defined again here")
                        .related(at(first.key_span), "first defined here")
                        .help("remove one of the definitions; mamlint and Graph read the last one"),
                    );
                }
            });
        }
    }
}
