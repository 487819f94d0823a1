use super::{Context, Rule, RuleMeta, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Entity, Kind};

/// The longest policy name Atlassian Administration accepts.
const MAX_CHARS: usize = 150;

declare_rule! {
    /// ## What it checks
    /// A MobileAppPolicy whose `displayName` is longer than 150 characters (counted as Unicode
    /// characters, not bytes).
    ///
    /// ## Why it matters
    /// Atlassian Administration does not save a mobile app policy name over 150 characters, so
    /// the policy cannot be created as written.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec:
    ///   type: intune
    ///   apps: [jira-cloud]
    ///   displayName: Jira and Confluence on the personal phones and tablets of every employee, contractor and partner of Acme, managed through Microsoft Intune app protection (see the wiki)
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: mamlint/v1
    /// kind: MobileAppPolicy
    /// metadata: {name: intune}
    /// spec:
    ///   type: intune
    ///   apps: [jira-cloud]
    ///   displayName: Jira and Confluence via Intune
    /// ```
    ///
    /// ## Source
    /// mamlint spec §3 (`displayName`: at most 150 characters), from Atlassian
    /// Administration's mobile app policy form.
    pub struct PolicyNameTooLong {
        code: "MAM204",
        name: "policy-name-too-long",
        severity: Error,
        summary: "A MobileAppPolicy `displayName` is over 150 characters.",
    }
}

impl Rule for PolicyNameTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn scope(&self) -> super::Scope {
        super::Scope::File
    }

    fn check_entity(&self, _cx: &Context<'_, '_>, entity: &Entity<'_>, out: &mut Vec<Diagnostic>) {
        if entity.kind != Kind::MobileAppPolicy {
            return;
        }
        let Some(at) = entity.spec_get("displayName") else {
            return;
        };
        let Some(name) = at.str() else { return };
        let length = name.chars().count();
        if length <= MAX_CHARS {
            return;
        }
        out.push(
            Diagnostic::new(
                &Self::META,
                entity.location(&at),
                format!(
                    "policy name is {length} characters long; Atlassian accepts at most {MAX_CHARS}"
                ),
            )
            .label(format!("{} characters too many", length - MAX_CHARS))
            .help(format!(
                "shorten `displayName` to {MAX_CHARS} characters or fewer"
            )),
        );
    }
}
