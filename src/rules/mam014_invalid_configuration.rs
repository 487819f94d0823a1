use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::{Diagnostic, Location};

declare_rule! {
    /// ## What it checks
    /// A mistake in `mamlint.toml` or a file it extends: invalid TOML, an unknown key, a rule
    /// code or name that matches no rule, an unknown severity, fail level or Graph API
    /// version, an invalid glob, a `context` path that does not exist, an `extend` that cannot
    /// be read or makes a cycle. Custom rules in Rego (spec 10) report here too: a `.rego`
    /// file that does not parse (at its line and column), a bad `# METADATA` block, a
    /// malformed result or a code two rules use (at the rule), and a rule file that runs past
    /// `[custom-rules] timeout`. The finding points at the key or value. A run with
    /// configuration mistakes exits with 2, like a usage error; this finding cannot be
    /// suppressed.
    ///
    /// `mamlint schema MamlintConfig` prints the configuration's JSON Schema.
    ///
    /// ## Why it matters
    /// A misspelled `ignore` or an unknown key would otherwise be ignored silently, and the
    /// gate would not check what the team believes it checks.
    ///
    /// ## Example
    /// ```toml
    /// graph-api-version = "v2"
    /// [rules]
    /// ignore = ["MAM4O4"]
    /// ```
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// graph-api-version = "v1.0"
    /// [rules]
    /// ignore = ["MAM404"]
    /// ```
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: Organization
    /// metadata: {name: acme}
    /// spec: {guard: standard, domains: [{name: acme.com}]}
    /// ```
    ///
    /// ## Source
    /// mamlint's configuration (`mamlint.toml`; its schema in `schemas/`).
    pub struct InvalidConfiguration {
        code: "MAM014",
        name: "invalid-configuration",
        severity: Error,
        summary: "`mamlint.toml` has a mistake.",
    }
}

impl Rule for InvalidConfiguration {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_workspace(&self, cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
        let Some(config) = cx.config else { return };
        for (source, file) in config.sources.iter().zip(cx.config_files) {
            for error in &source.errors {
                let location = Location {
                    file: *file,
                    span: error.span,
                    document: None,
                    pointer: None,
                };
                let mut diagnostic =
                    Diagnostic::new(&Self::META, location, error.message.clone()).label("here");
                if let Some(help) = &error.help {
                    diagnostic = diagnostic.help(help.clone());
                }
                out.push(diagnostic);
            }
        }
    }
}
