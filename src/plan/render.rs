//! Plans as text: human (terminal), Markdown (a pull-request comment), JSON (mamlint spec §7).

use std::fmt::Write as _;

use serde_json::Value;

use super::apply::TenantApplied;
use super::{Action, Change, Direction, Plan};

/// A setting's value as the plan shows it: strings without quotes, null as not set.
pub fn value(v: &Value) -> String {
    match v {
        Value::Null => "(not set)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn marker(direction: Direction) -> &'static str {
    match direction {
        Direction::Tightening => "tightening",
        Direction::Loosening => "LOOSENING",
        Direction::Neutral => "neutral",
    }
}

/// The plan's last line: how many changes of each action, and how many loosen.
pub fn counts(plan: &Plan) -> String {
    let count = |action: Action| {
        plan.tenants
            .iter()
            .flat_map(|t| &t.changes)
            .filter(|c| c.action == action)
            .count()
    };
    let loosening = plan
        .tenants
        .iter()
        .flat_map(|t| &t.changes)
        .filter(|c| c.loosening)
        .count();
    let below = plan
        .tenants
        .iter()
        .flat_map(|t| &t.changes)
        .filter(|c| c.is_below_level())
        .count();
    // Said only when it happens: plans of projects without levels read as before.
    let below = if below > 0 {
        format!("; {below} below their protection level")
    } else {
        String::new()
    };
    format!(
        "{} to create, {} to update, {} to delete, {} unchanged, {} unmanaged; {} loosening{below}",
        count(Action::Create),
        count(Action::Update),
        count(Action::Delete),
        count(Action::Unchanged),
        count(Action::Unmanaged),
        loosening
    )
}

pub fn action_word(change: &Change) -> &'static str {
    match change.action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Unchanged => "unchanged",
        Action::Delete => "delete",
        Action::Unmanaged => "unmanaged (in the tenant, in no file; --prune deletes it)",
    }
}

fn change_lines(change: &Change, bullet: &str, code: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    if change.action == Action::Create {
        // Nothing exists yet: list what the new policy sets, without directions.
        for p in &change.properties {
            lines.push(format!(
                "{bullet}{}: {}",
                code(&p.name),
                code(&value(&p.new))
            ));
        }
        for app in &change.apps.add {
            lines.push(format!("{bullet}app: {}", code(app)));
        }
        for g in &change.assignments.add {
            lines.push(format!("{bullet}group included: {}", code(g)));
        }
        for g in &change.assignments.exclude_add {
            lines.push(format!("{bullet}group excluded: {}", code(g)));
        }
        lines.extend(
            change
                .coerced
                .iter()
                .map(|note| format!("{bullet}note: {note}")),
        );
        return lines;
    }
    for p in &change.properties {
        let below = p
            .below_level
            .map(|level| format!(", BELOW LEVEL {level}"))
            .unwrap_or_default();
        lines.push(format!(
            "{bullet}{}: {} → {} ({}{below})",
            code(&p.name),
            code(&value(&p.old)),
            code(&value(&p.new)),
            marker(p.direction)
        ));
    }
    for app in &change.apps.add {
        lines.push(format!("{bullet}app added: {} (tightening)", code(app)));
    }
    for app in &change.apps.remove {
        lines.push(format!("{bullet}app removed: {} (LOOSENING)", code(app)));
    }
    let a = &change.assignments;
    for g in &a.add {
        lines.push(format!("{bullet}group included: {} (tightening)", code(g)));
    }
    for g in &a.remove {
        lines.push(format!(
            "{bullet}group no longer included: {} (LOOSENING)",
            code(g)
        ));
    }
    for g in &a.exclude_add {
        lines.push(format!("{bullet}group excluded: {} (LOOSENING)", code(g)));
    }
    for g in &a.exclude_remove {
        lines.push(format!(
            "{bullet}group no longer excluded: {} (tightening)",
            code(g)
        ));
    }
    lines.extend(
        change
            .coerced
            .iter()
            .map(|note| format!("{bullet}note: {note}")),
    );
    lines
}

pub fn human(plan: &Plan) -> String {
    let mut out = String::new();
    let plain = |s: &str| s.to_owned();
    for tenant in &plan.tenants {
        let _ = writeln!(
            out,
            "Tenant {} ({}), Graph {}",
            tenant.tenant, tenant.tenant_id, tenant.graph_api_version
        );
        if let Some(reason) = &tenant.graph_api_reason {
            let _ = writeln!(out, "  {reason}");
        }
        for change in &tenant.changes {
            let sign = match change.action {
                Action::Create => "+",
                Action::Update => "~",
                Action::Delete => "-",
                Action::Unchanged => "=",
                Action::Unmanaged => "?",
            };
            let id = change
                .id
                .as_deref()
                .map(|i| format!(" [{i}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {sign} {} policy \"{}\"{id}: {}",
                change.platform,
                change.display_name,
                action_word(change)
            );
            for line in change_lines(change, "      ", &plain) {
                let _ = writeln!(out, "{line}");
            }
        }
        for consent in &tenant.consent {
            let state = match (consent.service_principal, consent.granted) {
                (_, true) => "admin consent granted".to_owned(),
                (true, false) => "enterprise app present, admin consent missing".to_owned(),
                (false, false) => "enterprise app missing, admin consent missing".to_owned(),
            };
            let url = if consent.granted {
                String::new()
            } else {
                consent
                    .consent_url
                    .as_deref()
                    .map(|u| format!(": {u}"))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                out,
                "  consent {}: {state} ({}){url}",
                consent.app, consent.source
            );
        }
    }
    for finding in &plan.domains {
        let _ = writeln!(
            out,
            "Organization {}: {} {}",
            finding.organization, finding.domain, finding.finding
        );
    }
    if !plan.manual_steps.is_empty() {
        let _ = writeln!(out, "Manual steps:");
        for step in &plan.manual_steps {
            let _ = writeln!(out, "  - {step}");
        }
    }
    let _ = writeln!(out, "Plan: {}.", counts(plan));
    out
}

// One Markdown document written top to bottom; its length is the template's.
pub fn markdown(plan: &Plan) -> String {
    let code = |s: &str| format!("`{}`", s.replace('`', "'"));
    let mut out = String::from("## mamlint plan\n\n");
    let _ = writeln!(out, "**{}**\n", counts(plan));
    for tenant in &plan.tenants {
        let _ = writeln!(
            out,
            "### Tenant `{}` (Graph {})\n",
            tenant.tenant, tenant.graph_api_version
        );
        if let Some(reason) = &tenant.graph_api_reason {
            let _ = writeln!(out, "Uses Graph beta for {reason}.\n");
        }
        let _ = writeln!(out, "| | platform | policy | change |\n|---|---|---|---|");
        for change in &tenant.changes {
            let sign = match change.action {
                Action::Create => "➕",
                Action::Update if change.loosening || change.is_below_level() => "⚠️",
                Action::Update => "✏️",
                Action::Delete => "➖",
                Action::Unchanged => "✔️",
                Action::Unmanaged => "❔",
            };
            let _ = writeln!(
                out,
                "| {sign} | {} | {} | {} |",
                change.platform,
                change.display_name.replace('|', "\\|"),
                action_word(change)
            );
        }
        for change in tenant
            .changes
            .iter()
            .filter(|c| matches!(c.action, Action::Create | Action::Update))
        {
            let _ = writeln!(
                out,
                "\n<details><summary>{} {} \"{}\"</summary>\n",
                action_word(change),
                change.platform,
                change.display_name
            );
            for line in change_lines(change, "- ", &code) {
                let _ = writeln!(out, "{line}");
            }
            let _ = writeln!(out, "\n</details>");
        }
        if !tenant.consent.is_empty() {
            let _ = writeln!(
                out,
                "\n| app | enterprise app | admin consent |\n|---|---|---|"
            );
            for c in &tenant.consent {
                let granted = if c.granted {
                    "granted".to_owned()
                } else {
                    c.consent_url
                        .as_deref()
                        .map_or("missing".to_owned(), |u| format!("[grant]({u})"))
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {granted} |",
                    c.app,
                    if c.service_principal {
                        "present"
                    } else {
                        "missing"
                    }
                );
            }
        }
        out.push('\n');
    }
    for finding in &plan.domains {
        let _ = writeln!(
            out,
            "- Organization `{}`: `{}` {}",
            finding.organization, finding.domain, finding.finding
        );
    }
    if !plan.manual_steps.is_empty() {
        let _ = writeln!(out, "\n### Manual steps\n");
        for step in &plan.manual_steps {
            let _ = writeln!(out, "- [ ] {step}");
        }
    }
    out
}

pub fn json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}

/// What `apply` did, tenant by tenant in the plan's order: the steps each completed, the step
/// that stopped it, and a last line over all tenants.
pub fn applied(tenants: &[TenantApplied]) -> String {
    let mut out = String::new();
    let mut steps = 0;
    let mut stopped = Vec::new();
    for tenant in tenants {
        let name = &tenant.tenant;
        let completed = &tenant.progress.completed;
        steps += completed.len();
        for step in completed {
            let _ = writeln!(out, "  done: {name} {step}");
        }
        match &tenant.failure {
            Some(failure) => {
                stopped.push(name.as_str());
                let _ = writeln!(
                    out,
                    "error: {name}: this step failed: {}: {}",
                    failure.step, failure.error
                );
                let _ = writeln!(
                    out,
                    "{name}: {} steps completed before the failure; nothing after it was attempted in this tenant.",
                    completed.len()
                );
            }
            None => {
                let _ = writeln!(out, "{name}: {} steps completed.", completed.len());
            }
        }
    }
    if stopped.is_empty() {
        let _ = writeln!(
            out,
            "Applied: {steps} steps completed in {} tenants.",
            tenants.len()
        );
    } else {
        let _ = writeln!(
            out,
            "Applied: {steps} steps completed; {} of {} tenants stopped at a failure ({}). Run `mamlint apply` again to converge.",
            stopped.len(),
            tenants.len(),
            stopped.join(", ")
        );
    }
    out
}
