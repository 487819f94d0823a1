//! The domains an Organization document declares against those Atlassian reports claimed
//! (the Admin API), for the plan.

use super::DomainFinding;
use crate::graph::{Secret, ServiceError, atlassian};
use crate::model::{DomainStatus, Kind, Workspace};

/// What differs between the declared domains (name, status) and the claimed ones.
pub fn compare(
    organization: &str,
    declared: &[(String, DomainStatus)],
    claimed: &[atlassian::ClaimedDomain],
) -> Vec<DomainFinding> {
    let finding = |domain: &str, text: String| DomainFinding {
        organization: organization.to_owned(),
        domain: domain.to_owned(),
        finding: text,
    };
    let verified = DomainStatus::Verified.key();
    let mut findings = Vec::new();
    for domain in claimed.iter().filter(|c| c.status == verified) {
        if !declared.iter().any(|(name, _)| *name == domain.name) {
            findings.push(finding(
                &domain.name,
                "is claimed and verified in Atlassian, but not declared in the Organization document".to_owned(),
            ));
        }
    }
    for (domain, status) in declared
        .iter()
        .filter(|(_, s)| *s == DomainStatus::Verified)
    {
        match claimed.iter().find(|c| c.name == *domain) {
            Some(c) if c.status == verified => {}
            Some(c) => findings.push(finding(
                domain,
                format!(
                    "is declared {}, but Atlassian reports it {}",
                    status.key(),
                    c.status
                ),
            )),
            None => findings.push(finding(
                domain,
                "is declared verified, but Atlassian has no such claimed domain".to_owned(),
            )),
        }
    }
    findings
}

/// Compares every Organization with an `orgId` against the Admin API.
pub fn check_live(
    workspace: &Workspace<'_>,
    api_key: &Secret,
    verbose: bool,
) -> Result<Vec<DomainFinding>, ServiceError> {
    let mut findings = Vec::new();
    for org in workspace.of_kind(Kind::Organization) {
        let Some(org_id) = org.spec_str("orgId") else {
            continue;
        };
        let claimed = atlassian::domains(api_key, org_id, verbose)?;
        let declared: Vec<(String, DomainStatus)> = org
            .domains()
            .iter()
            .filter_map(|d| Some((d.name().to_ascii_lowercase(), d.status?)))
            .collect();
        findings.extend(compare(org.name().unwrap_or_default(), &declared, &claimed));
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(name: &str, status: &str) -> atlassian::ClaimedDomain {
        atlassian::ClaimedDomain {
            name: name.to_owned(),
            status: status.to_owned(),
        }
    }

    #[test]
    fn reports_each_kind_of_difference() {
        let declared = [
            ("acme.com".to_owned(), DomainStatus::Verified),
            ("old.acme.com".to_owned(), DomainStatus::Verified),
            ("gone.acme.com".to_owned(), DomainStatus::Verified),
            ("new.acme.com".to_owned(), DomainStatus::Unverified),
        ];
        let claimed = [
            claimed("acme.com", "verified"),
            claimed("old.acme.com", "unverified"),
            claimed("extra.acme.com", "verified"),
            claimed("new.acme.com", "verified"),
        ];
        let found: Vec<(String, String)> = compare("acme", &declared, &claimed)
            .into_iter()
            .map(|f| (f.domain, f.finding))
            .collect();
        assert_eq!(
            found,
            [
                ("extra.acme.com".to_owned(), "is claimed and verified in Atlassian, but not declared in the Organization document".to_owned()),
                ("old.acme.com".to_owned(), "is declared verified, but Atlassian reports it unverified".to_owned()),
                ("gone.acme.com".to_owned(), "is declared verified, but Atlassian has no such claimed domain".to_owned()),
            ]
        );
    }
}
