use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, FileId, Location};

declare_rule! {
    /// ## What it checks
    /// Files that cannot be read as YAML, JSON or Terraform: invalid syntax, text that is not
    /// UTF-8 or UTF-16 with a byte order mark, binary content, files over 16 MiB, YAML whose
    /// aliases expand beyond two million values, and HCL nested more than 64 levels deep. The
    /// diagnostic points at the position where reading failed.
    ///
    /// Files found by walking a directory are reported only when they look like policy files
    /// (they mention `mamlint/`, `ManagedAppProtection`, or one of the Terraform resource types
    /// mamlint reads); other broken YAML, JSON or Terraform in the repository is skipped, and
    /// listed with `--verbose`. Files named on the command line are always reported.
    ///
    /// ## Why it matters
    /// A file that does not parse is not checked at all, so every other finding in it is
    /// hidden. Graph rejects a request body that is not valid JSON, and Intune exports are often
    /// saved as UTF-16, which some tools mangle.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme
    /// spec:
    ///   domains: [{name: acme.com}]
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax at the reported position.
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec:
    ///   guard: standard
    ///   domains: [{name: acme.com}]
    /// ```
    ///
    /// ## Source
    /// YAML 1.2.2 and RFC 8259 (JSON); mamlint spec §2 (encodings).
    pub struct ParseError {
        code: "MAM001",
        name: "parse-error",
        severity: Error,
        summary: "A file is not valid YAML/JSON/Terraform or not decodable.",
    }
}

impl Rule for ParseError {
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
        let Some(error) = &wf.loaded.parsed.error else {
            return;
        };
        if !wf.report_load_errors() {
            return;
        }
        let location = Location {
            file,
            span: error.span,
            document: None,
            pointer: None,
        };
        out.push(
            Diagnostic::new(&Self::META, location, error.message.clone())
                .label("cannot read past this point"),
        );
    }
}
