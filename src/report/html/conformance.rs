//! The `conformance` view: the matrix of every app protection policy against the three levels
//! of Microsoft's data protection framework, then each policy's shortfalls (setting, effective
//! value, requirement, line). The verdicts and words come from `protection::render`.

use super::{Html, page};
use crate::protection::FRAMEWORK;
use crate::protection::render::{PolicyReport, listed_shortfalls, value_text};

/// The page; with `gate` (`--level N`) the policies short of it are marked and counted.
pub fn render(reports: &[PolicyReport<'_>], gate: Option<u8>) -> String {
    let mut html = Html::new();
    let meeting = |level: u8| {
        reports
            .iter()
            .filter(|r| r.conformance.level >= level)
            .count()
    };
    html.element(
        "p",
        &[("class", "summary")],
        &format!(
            "{} app protection policies: {} meet Level 1, {} Level 2, {} Level 3.",
            reports.len(),
            meeting(1),
            meeting(2),
            meeting(3)
        ),
    );
    if let Some(gate) = gate {
        let short = reports
            .iter()
            .filter(|r| r.conformance.level < gate)
            .count();
        html.open("p", &[("class", "summary")]);
        if short == 0 {
            html.badge("pass", "passed");
            html.text(&format!(
                " Every policy meets Level {gate} (--level {gate})."
            ));
        } else {
            html.badge("fail", "failed");
            html.text(&format!(
                " {short} of {} policies fall short of Level {gate} (--level {gate}).",
                reports.len()
            ));
        }
        html.close("p");
    }
    if reports.is_empty() {
        html.element("p", &[], "No app protection policy found.");
        return page("mamlint conformance", html);
    }
    html.element("h2", &[], "Protection levels");
    html.open("table", &[("class", "matrix")]);
    html.header_row(&[
        "policy", "file", "platform", "tenant", "Level 1", "Level 2", "Level 3", "level",
    ]);
    html.open("tbody", &[]);
    for r in reports {
        let level = r.conformance.level.to_string();
        let class = if gate.is_some_and(|g| r.conformance.level < g) {
            "fail"
        } else {
            ""
        };
        html.open(
            "tr",
            &[
                ("class", class),
                ("data-policy", &r.name),
                ("data-level", &level),
            ],
        );
        html.open("td", &[]).element("strong", &[], &r.name);
        if let Some(display) = r.display_name.filter(|d| *d != r.name) {
            html.open("br", &[])
                .element("span", &[("class", "muted")], display);
        }
        html.close("td");
        html.open("td", &[]).element("code", &[], r.path);
        if r.document > 0 {
            // Documents are numbered from 1 for people (the JSON's `document` counts from 0).
            html.text(&format!(" document {}", r.document + 1));
        }
        html.close("td");
        html.element("td", &[], r.conformance.platform.label());
        html.element("td", &[], r.tenant.unwrap_or("—"));
        for l in crate::protection::LEVELS {
            html.open("td", &[("class", "mark")]);
            if r.conformance.level >= l {
                html.badge("pass", "✓ meets");
            } else {
                html.badge("fail", "✗ short");
            }
            html.close("td");
        }
        html.element("td", &[("class", "num level")], &level);
        html.close("tr");
    }
    html.close("tbody").close("table");
    for r in reports {
        shortfalls(&mut html, r);
    }
    html.open("p", &[("class", "muted")])
        .text("Each setting is listed at the lowest level it falls short of (again only where a higher level requires more). Levels from ")
        .element(
            "a",
            &[("class", "doc"), ("href", &FRAMEWORK.source.url)],
            &FRAMEWORK.source.title,
        )
        .text(&format!(" (ms.date {}).", FRAMEWORK.source.ms_date))
        .close("p");
    page("mamlint conformance", html)
}

fn shortfalls(html: &mut Html, r: &PolicyReport<'_>) {
    let listed = listed_shortfalls(r);
    if listed.is_empty() && r.conformance.unjudged.is_empty() {
        return;
    }
    html.open("section", &[("class", "policy"), ("data-policy", &r.name)]);
    html.open("h3", &[])
        .text(&r.name)
        .text(&format!(": level {} ", r.conformance.level))
        .element("span", &[("class", "where")], r.path)
        .close("h3");
    html.open("table", &[("class", "shortfalls")]);
    html.header_row(&["level", "setting", "effective value", "requires", "line"]);
    html.open("tbody", &[]);
    for (check, place) in listed {
        html.open("tr", &[("data-setting", &check.row.setting)]);
        html.element("td", &[("class", "num")], &format!("L{}", check.level));
        html.open("td", &[])
            .element("code", &[], &check.row.setting)
            .close("td");
        html.element("td", &[], &value_text(check));
        html.element(
            "td",
            &[],
            &check.row.order.describe_required(check.required),
        );
        let line = place.map(|(line, _)| line.to_string()).unwrap_or_default();
        html.element("td", &[("class", "num")], &line);
        html.close("tr");
    }
    for check in &r.conformance.unjudged {
        html.open("tr", &[("data-setting", &check.row.setting)]);
        html.element("td", &[("class", "num")], &format!("L{}", check.level));
        html.open("td", &[])
            .element("code", &[], &check.row.setting)
            .close("td");
        html.element("td", &[], &value_text(check));
        html.element("td", &[], "not judged");
        html.element("td", &[], "");
        html.close("tr");
    }
    html.close("tbody").close("table");
    html.close("section");
}
