//! The `plan` view: the counts, every loosening change first (what a change-advisory board
//! must see), then each tenant's changes with their settings (loosening rows highlighted and
//! labelled), admin consent, Atlassian domains and the manual steps no API covers. The
//! directions come from the plan (`rules/directions.json`); the words from `plan::render`.

use super::{Html, page};
use crate::plan::render::{action_word, counts, value};
use crate::plan::{Action, Change, Direction, Plan, TenantPlan};

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Unchanged => "unchanged",
        Action::Delete => "delete",
        Action::Unmanaged => "unmanaged",
    }
}

/// One line of a change: what it is, the value before and after, and its direction (`None` for
/// what a new policy sets, where nothing is compared).
struct Line {
    what: String,
    old: Option<String>,
    new: String,
    direction: Option<Direction>,
    /// The protection level the new value falls short of (spec 9), for a setting.
    below_level: Option<u8>,
}

fn lines(change: &Change) -> Vec<Line> {
    let created = change.action == Action::Create;
    let line = |what: String, old: Option<String>, new: String, direction: Direction| Line {
        what,
        old,
        new,
        direction: (!created).then_some(direction),
        below_level: None,
    };
    let mut out = Vec::new();
    for p in &change.properties {
        let old = (!created).then(|| value(&p.old));
        out.push(Line {
            below_level: p.below_level,
            ..line(p.name.clone(), old, value(&p.new), p.direction)
        });
    }
    let set = |out: &mut Vec<Line>, what: &str, items: &[String], direction| {
        for item in items {
            out.push(line(what.to_owned(), None, item.clone(), direction));
        }
    };
    let added = if created { "app" } else { "app added" };
    set(&mut out, added, &change.apps.add, Direction::Tightening);
    set(
        &mut out,
        "app removed",
        &change.apps.remove,
        Direction::Loosening,
    );
    let a = &change.assignments;
    set(&mut out, "group included", &a.add, Direction::Tightening);
    set(
        &mut out,
        "group no longer included",
        &a.remove,
        Direction::Loosening,
    );
    set(
        &mut out,
        "group excluded",
        &a.exclude_add,
        Direction::Loosening,
    );
    set(
        &mut out,
        "group no longer excluded",
        &a.exclude_remove,
        Direction::Tightening,
    );
    out
}

pub fn render(plan: &Plan) -> String {
    let mut html = Html::new();
    html.element(
        "p",
        &[("class", "summary")],
        &format!("Plan: {}.", counts(plan)),
    );
    counts_boxes(&mut html, plan);
    loosening_summary(&mut html, plan);
    for tenant in &plan.tenants {
        tenant_section(&mut html, tenant);
    }
    if !plan.domains.is_empty() {
        html.element("h2", &[], "Atlassian domains");
        html.open("table", &[("class", "domains")]);
        html.header_row(&["organization", "domain", "finding"]);
        html.open("tbody", &[]);
        for d in &plan.domains {
            html.open("tr", &[])
                .element("td", &[], &d.organization)
                .open("td", &[])
                .element("code", &[], &d.domain)
                .close("td")
                .open("td", &[])
                .rich(&d.finding)
                .close("td")
                .close("tr");
        }
        html.close("tbody").close("table");
    }
    if !plan.manual_steps.is_empty() {
        html.element("h2", &[], "Manual steps");
        html.element(
            "p",
            &[("class", "muted")],
            "No public API covers these; someone does them by hand, in this order.",
        );
        html.open("ol", &[("class", "steps")]);
        for step in &plan.manual_steps {
            html.rich_element("li", &[("class", "step")], step);
        }
        html.close("ol");
    }
    page("mamlint plan", html)
}

fn count(plan: &Plan, keep: impl Fn(&Change) -> bool) -> usize {
    plan.tenants
        .iter()
        .flat_map(|t| &t.changes)
        .filter(|c| keep(c))
        .count()
}

fn counts_boxes(html: &mut Html, plan: &Plan) {
    html.open("ul", &[("class", "counts")]);
    for (action, words) in [
        (Action::Create, "to create"),
        (Action::Update, "to update"),
        (Action::Delete, "to delete"),
        (Action::Unchanged, "unchanged"),
        (Action::Unmanaged, "unmanaged"),
    ] {
        let n = count(plan, |c| c.action == action);
        html.open("li", &[])
            .element("strong", &[], &n.to_string())
            .text(&format!(" {words}"))
            .close("li");
    }
    let loosening = count(plan, |c| c.loosening);
    html.open("li", &[("class", if loosening > 0 { "alert" } else { "" })])
        .element("strong", &[], &loosening.to_string())
        .text(" loosening")
        .close("li");
    html.close("ul");
}

/// Every line that loosens protection, over all tenants, before the details.
fn loosening_summary(html: &mut Html, plan: &Plan) {
    if !plan.has_loosening() {
        return;
    }
    html.element("h2", &[], "Loosening changes");
    html.open("table", &[("class", "loosening-summary")]);
    html.header_row(&["tenant", "policy", "change", "current", "desired"]);
    html.open("tbody", &[]);
    for tenant in &plan.tenants {
        for change in tenant.changes.iter().filter(|c| c.loosening) {
            for line in lines(change)
                .iter()
                .filter(|l| l.direction == Some(Direction::Loosening))
            {
                html.open("tr", &[("class", "loosening")])
                    .element("td", &[], &tenant.tenant)
                    .element(
                        "td",
                        &[],
                        &format!("{} · {}", change.display_name, change.platform),
                    )
                    .open("td", &[])
                    .element("code", &[], &line.what)
                    .close("td");
                value_cell(html, line.old.as_deref());
                value_cell(html, Some(&line.new));
                html.close("tr");
            }
        }
    }
    html.close("tbody").close("table");
}

fn value_cell(html: &mut Html, value: Option<&str>) {
    html.open("td", &[]);
    if let Some(value) = value {
        html.element("code", &[], value);
    }
    html.close("td");
}

fn tenant_section(html: &mut Html, tenant: &TenantPlan) {
    html.open(
        "section",
        &[("class", "tenant"), ("data-tenant", &tenant.tenant)],
    );
    html.element("h2", &[], &format!("Tenant {}", tenant.tenant));
    html.open("p", &[("class", "muted")])
        .text("Tenant ID ")
        .element("code", &[], &tenant.tenant_id)
        .text(&format!(" · Graph {}", tenant.graph_api_version))
        .close("p");
    if let Some(reason) = &tenant.graph_api_reason {
        html.rich_element(
            "p",
            &[("class", "muted")],
            &format!("Uses Graph beta for {reason}."),
        );
    }
    for change in &tenant.changes {
        change_article(html, change);
    }
    if !tenant.consent.is_empty() {
        html.element("h3", &[], "Admin consent");
        html.open("table", &[("class", "consent")]);
        html.header_row(&["app", "enterprise app", "admin consent", "known from"]);
        html.open("tbody", &[]);
        for c in &tenant.consent {
            html.open("tr", &[("data-app", &c.app)])
                .element("td", &[], &c.app);
            html.element(
                "td",
                &[],
                if c.service_principal {
                    "present"
                } else {
                    "missing"
                },
            );
            html.open("td", &[]);
            match (&c.consent_url, c.granted) {
                (_, true) => html.badge("ok", "granted"),
                (Some(url), false) => {
                    html.badge("fail", "missing")
                        .text(" ")
                        .element("a", &[("href", url)], "grant")
                }
                (None, false) => html.badge("fail", "missing"),
            };
            html.close("td").element("td", &[], c.source).close("tr");
        }
        html.close("tbody").close("table");
    }
    html.close("section");
}

fn change_article(html: &mut Html, change: &Change) {
    let action = action_name(change.action);
    let class = if change.loosening {
        format!("change {action} loosening")
    } else {
        format!("change {action}")
    };
    html.open(
        "article",
        &[
            ("class", &class),
            ("data-action", action),
            ("data-policy", &change.display_name),
            ("data-platform", change.platform),
        ],
    );
    html.open("div", &[("class", "head")]);
    html.badge(action, action);
    if change.loosening {
        html.badge("loosening", "loosening");
    }
    html.element("strong", &[("class", "policy")], &change.display_name);
    html.element("span", &[("class", "muted")], change.platform);
    if let Some(id) = &change.id {
        html.element("code", &[("class", "muted")], id);
    }
    html.close("div");
    if change.action == Action::Unmanaged {
        html.element("p", &[("class", "muted")], action_word(change));
    }
    let lines = lines(change);
    if !lines.is_empty() {
        let created = change.action == Action::Create;
        html.open("table", &[("class", "settings")]);
        if created {
            html.header_row(&["setting", "value"]);
        } else {
            html.header_row(&["change", "current", "desired", "direction"]);
        }
        html.open("tbody", &[]);
        for line in &lines {
            let loosening =
                line.direction == Some(Direction::Loosening) || line.below_level.is_some();
            html.open(
                "tr",
                &[
                    ("class", if loosening { "loosening" } else { "" }),
                    ("data-property", &line.what),
                ],
            );
            html.open("td", &[])
                .element("code", &[], &line.what)
                .close("td");
            if !created {
                value_cell(html, line.old.as_deref());
            }
            value_cell(html, Some(&line.new));
            if let Some(direction) = line.direction {
                html.open("td", &[]);
                html.badge(direction.as_str(), direction.as_str());
                if let Some(level) = line.below_level {
                    html.text(" ")
                        .badge("below-level", &format!("below level {level}"));
                }
                html.close("td");
            }
            html.close("tr");
        }
        html.close("tbody").close("table");
    }
    for note in &change.coerced {
        html.rich_element("p", &[("class", "muted note")], &format!("note: {note}"));
    }
    html.close("article");
}
