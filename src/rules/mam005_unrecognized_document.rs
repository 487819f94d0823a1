use super::{Context, Rule, RuleMeta, declare_rule, head_span};
use crate::diagnostic::{Diagnostic, FileId, Location};
use crate::model::{API_VERSION, Classified, Kind};
use crate::suggest;
use crate::syntax::{Format, Node, Span, terraform};

declare_rule! {
    /// ## What it checks
    /// A document with `apiVersion: mamlint/...` whose `kind` (or version) mamlint does not
    /// know, and a file named on the command line in which mamlint recognizes no document at
    /// all: no mamlint manifest, no Graph app protection policy (`@odata.type`
    /// `#microsoft.graph.androidManagedAppProtection` or `...iosManagedAppProtection`), no
    /// Graph list response holding one, no Microsoft framework template (a file name ending in
    /// `-Android.json` or `-iOS.json`), and, in a Terraform file, no app protection or app
    /// configuration resource of the `microsoft365` or `microsoft365wp` provider.
    /// A Microsoft365DSC configuration (`*.ps1`) named on the command line is one when it holds
    /// no `IntuneAppProtectionPolicyiOS` or `IntuneAppProtectionPolicyAndroid` block to check.
    ///
    /// Files found by walking a directory that hold nothing mamlint knows are skipped silently
    /// (`--verbose` lists them), Terraform files without such a resource included.
    ///
    /// ## Why it matters
    /// A file you asked mamlint to check but that it does not understand has not been checked:
    /// a typo in `kind`, a Graph error response saved instead of the policy, or the wrong file
    /// in a pre-commit hook would otherwise pass as clean.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolcy
    /// metadata: {name: atlassian-ios}
    /// spec: {platform: ios, displayName: Atlassian apps (iOS)}
    /// ```
    ///
    /// ## Fix
    /// Use one of the kinds `Organization`, `MobileAppPolicy`, `EntraTenant`,
    /// `AppProtectionPolicy`, `AppConfigurationPolicy`.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: AppProtectionPolicy
    /// metadata: {name: atlassian-ios}
    /// spec: {platform: ios, displayName: Atlassian apps (iOS)}
    /// ```
    ///
    /// ## Source
    /// mamlint spec §2 (inputs) and §3 (manifest kinds).
    pub struct UnrecognizedDocument {
        code: "MAM005",
        name: "unrecognized-document",
        severity: Error,
        summary: "A file named on the command line has no recognizable document, or `kind` is unknown.",
    }
}

impl Rule for UnrecognizedDocument {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    // One decision per kind of unrecognized document, each with its own message; the list is
    // the rule.
    fn check_file(&self, cx: &Context<'_, '_>, file: FileId, out: &mut Vec<Diagnostic>) {
        let Some(wf) = cx.workspace.files.get(file) else {
            return;
        };
        let loaded = &wf.loaded;
        let mut reported = false;
        for (document, class) in loaded.parsed.documents.iter().zip(&wf.classes) {
            if *class != Classified::UnknownManifest {
                continue;
            }
            reported = true;
            let at = |node: &Node, key: &str| Location {
                file,
                span: node.span,
                document: Some(document.index),
                pointer: Some(format!("/{key}")),
            };
            let api = document.root.get("apiVersion");
            if let Some(api) = api.filter(|a| a.as_str() != Some(API_VERSION)) {
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        at(api, "apiVersion"),
                        format!("unknown apiVersion {}", api.to_json()),
                    )
                    .label("not a version mamlint reads")
                    .help(format!(
                        "this version of mamlint reads `apiVersion: {API_VERSION}`"
                    )),
                );
                continue;
            }
            let kinds = Kind::ALL.map(Kind::name);
            let listed = kinds.join(", ");
            let diagnostic = match document.root.get("kind") {
                Some(kind) => {
                    let suggestion = kind.as_str().and_then(|k| suggest::closest(k, kinds));
                    Diagnostic::new(
                        &Self::META,
                        at(kind, "kind"),
                        format!("unknown kind {}", kind.to_json()),
                    )
                    .label("not a mamlint kind")
                    .help(match suggestion {
                        Some(s) => format!("did you mean `{s}`? Kinds: {listed}"),
                        None => format!("kinds: {listed}"),
                    })
                }
                None => Diagnostic::new(
                    &Self::META,
                    Location {
                        span: head_span(&document.root, &loaded.source.text),
                        // The document itself: "" (a pointer of "/" names an empty key).
                        pointer: Some(String::new()),
                        ..at(&document.root, "")
                    },
                    "mamlint manifest without `kind`",
                )
                .help(format!("add `kind:` with one of {listed}")),
            };
            out.push(diagnostic);
        }
        if reported || !wf.explicit || wf.is_recognized() || loaded.parsed.error.is_some() {
            return;
        }
        if loaded.format == Format::Terraform {
            out.push(unrecognized_terraform(file, &loaded.source.text));
            return;
        }
        if loaded.format == Format::PowerShell {
            out.push(
                Diagnostic::new(
                    &Self::META,
                    Location { file, span: Span::empty(0), document: None, pointer: None },
                    "no IntuneAppProtectionPolicyiOS or IntuneAppProtectionPolicyAndroid resource to check in this PowerShell file",
                )
                .help(
                    "mamlint reads those Microsoft365DSC resource blocks inside a `Configuration`; \
                     a block with `Ensure = 'Absent'` removes a policy and is not checked",
                ),
            );
            return;
        }
        let (span, document, message) =
            match loaded.parsed.documents.iter().find(|d| !d.root.is_null()) {
                Some(d) => (
                    head_span(&d.root, &loaded.source.text),
                    Some(d.index),
                    describe_unrecognized(&d.root),
                ),
                None => (
                    Span::empty(0),
                    None,
                    "the file holds no document".to_owned(),
                ),
            };
        let pointer = document.map(|_| String::new());
        out.push(
            Diagnostic::new(&Self::META, Location { file, span, document, pointer }, message)
                .help(format!(
                    "mamlint reads manifests with `apiVersion: {API_VERSION}` and a `kind`, Graph exports with \
                     `@odata.type` #microsoft.graph.androidManagedAppProtection or #microsoft.graph.iosManagedAppProtection \
                     (alone or in a `value` list), and framework templates named `*-Android.json` / `*-iOS.json`"
                )),
        );
    }
}

/// A Terraform file named on the command line with no resource mamlint reads: at its start,
/// saying what it reads (spec §8.2), and why apps alone are not checked.
fn unrecognized_terraform(file: FileId, text: &str) -> Diagnostic {
    let only_apps = terraform::app_resource_types().any(|t| text.contains(t));
    let message = if only_apps {
        "this Terraform file adds apps to app protection policies defined elsewhere, and holds no policy resource"
    } else {
        "no app protection or app configuration resource in this Terraform file"
    };
    let types: Vec<String> = terraform::policy_resource_types()
        .map(|t| format!("`{t}`"))
        .collect();
    let mut diagnostic = Diagnostic::new(
        &UnrecognizedDocument::META,
        Location {
            file,
            span: Span::empty(0),
            document: None,
            pointer: None,
        },
        message,
    )
    .help(format!(
        "mamlint reads the Terraform resources {}",
        types.join(", ")
    ));
    if only_apps {
        diagnostic = diagnostic.note(
            "check the `…_managed_mobile_app` resources in the same file as the policy resource they link to (`managed_app_protection_id = <policy>.<name>.id`)",
        );
    }
    diagnostic
}

/// What an unrecognized document looks like, when it is something Graph users commonly save.
fn describe_unrecognized(root: &Node) -> String {
    if let Some(error) = root.get("error") {
        let code = error
            .get("code")
            .and_then(Node::as_str)
            .unwrap_or("unknown");
        return format!("this is a Graph error response (`{code}`), not an app protection policy");
    }
    let is_app = |n: &Node| n.get("mobileAppIdentifier").is_some();
    if root
        .as_array()
        .is_some_and(|items| !items.is_empty() && items.iter().all(is_app))
    {
        return "this is a list of Graph managedMobileApp objects, not an app protection policy; \
                list apps under a policy's `apps`"
            .to_owned();
    }
    "no mamlint manifest or Graph app protection policy in this file".to_owned()
}
