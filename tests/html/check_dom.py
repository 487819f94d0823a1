#!/usr/bin/env python3
"""Checks the DOM headless Chromium built from a mamlint HTML report (`--dump-dom`) against the
JSON report of the same run: every finding (code and line), every plan change (policy, action,
each setting, loosening marked), every policy of the conformance matrix (level, shortfalls).
Also that the page holds nothing but the report: no script, image, frame, link or event
handler, whatever the policy files contain; `--expect-text` strings must appear as text.

Usage: check_dom.py check|plan|conformance DOM.html REPORT.json [--expect-text TEXT]...
Prints what falls short and exits 1; prints one `ok:` line otherwise. Standard library only.
"""
import html.parser
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
FORBIDDEN = {"script", "img", "iframe", "frame", "object", "embed", "link", "base", "form",
             "input", "video", "audio", "svg", "math", "noscript", "template"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find(self, tag=None, cls=None, **attrs):
        for n in self.walk():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.classes():
                continue
            if all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield n


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def common(root, title):
    for n in root.walk():
        expect(n.tag not in FORBIDDEN, f"a <{n.tag}> element is in the page")
        for name, value in n.attrs.items():
            expect(not name.startswith("on"), f"<{n.tag}> has an event handler {name}={value!r}")
            expect(name not in ("src", "srcset", "action", "formaction"),
                   f"<{n.tag}> loads {name}={value!r}")
        if n.tag == "a":
            href = n.attrs.get("href") or ""
            expect(href.startswith(("https://", "#")), f"a link to {href!r}")
    ids = {n.attrs.get("id") for n in root.walk() if n.attrs.get("id")}
    for n in root.find("a"):
        href = n.attrs.get("href") or ""
        expect(not href.startswith("#") or href[1:] in ids, f"a link to {href!r}, which is nowhere")
    csp = [m for m in root.find("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    expect(csp and "default-src 'none'" in csp[0].attrs.get("content", ""),
           "no Content-Security-Policy forbidding loads")
    titles = [t.text() for t in root.find("title")]
    expect(titles == [title], f"title {titles}, not {title!r}")
    styles = list(root.find("style"))
    expect(len(styles) == 1 and "@media print" in styles[0].text(), "no inline print style")


def check_report(root, report):
    articles = list(root.find("article", cls="finding"))
    expect(len(articles) == len(report["diagnostics"]),
           f"{len(articles)} findings in the page, {len(report['diagnostics'])} in the JSON")
    for d, a in zip(report["diagnostics"], articles):
        where = f"{d['file']}:{d['line']}:{d['column']}"
        got = (a.attrs.get("data-code"), a.attrs.get("data-line"))
        expect(got == (d["code"], str(d["line"])), f"finding {got} where the JSON has {d['code']} at {where}")
        expect(d["severity"] in a.classes(), f"{d['code']} at {where} is not marked {d['severity']}")
        links = [l.attrs.get("href", "") for l in a.find("a", cls="doc")]
        expect(any(l.endswith("-" + d["name"]) and d["code"].lower() in l for l in links),
               f"{d['code']} at {where}: no link to its rule documentation ({links})")
        text = a.text()
        expect(where in text, f"{d['code']}: the page does not say {where}")
        expect(d["message"].replace("`", "") in text.replace("`", ""),
               f"{d['code']} at {where}: message missing")
        frames = [f.text() for f in a.find("pre", cls="frame")]
        expect(frames and f"{d['line']} |" in frames[0],
               f"{d['code']} at {where}: no code frame showing line {d['line']}")
    summary = report["summary"]
    counts = root.find("ul", cls="counts")
    text = " ".join(c.text() for c in counts)
    expect(f"{summary['errors']}error" in text.replace(" ", ""), f"error count missing: {text!r}")
    return f"{len(articles)} findings"


def plan_report(root, report):
    seen = 0
    for tenant in report["tenants"]:
        sections = list(root.find("section", cls="tenant", data_tenant=tenant["tenant"]))
        expect(len(sections) == 1, f"tenant {tenant['tenant']}: {len(sections)} sections")
        if not sections:
            continue
        for change in tenant["changes"]:
            seen += 1
            name = f"{change['platform']} {change['displayName']!r} ({change['action']})"
            found = [a for a in sections[0].find("article", cls="change", data_policy=change["displayName"])
                     if a.attrs.get("data-platform") == change["platform"]]
            expect(len(found) == 1, f"{name}: {len(found)} entries in the page")
            if not found:
                continue
            a = found[0]
            expect(a.attrs.get("data-action") == change["action"], f"{name}: shown as {a.attrs.get('data-action')}")
            expect(("loosening" in a.classes()) == change["loosening"], f"{name}: loosening marked wrongly")
            rows = {r.attrs.get("data-property"): r for r in a.find("tr")}
            for p in change["properties"]:
                row = rows.get(p["name"])
                expect(row is not None, f"{name}: setting {p['name']} missing")
                if row is not None and change["action"] != "create":
                    marked = "loosening" in row.classes()
                    expect(marked == (p["direction"] == "loosening"),
                           f"{name}: {p['name']} ({p['direction']}) highlighted={marked}")
        for c in tenant["consent"]:
            expect(list(sections[0].find("tr", data_app=c["app"])), f"consent of {c['app']} missing")
    if any(c["loosening"] for t in report["tenants"] for c in t["changes"]):
        expect(list(root.find("table", cls="loosening-summary")), "no summary of loosening changes")
    steps = [li.text() for li in root.find("li", cls="step")]
    wanted = [s.replace("`", "") for s in report.get("manualSteps", [])]
    expect(steps == wanted, f"manual steps {steps} where the JSON has {wanted}")
    return f"{seen} changes, {len(steps)} manual steps"


def conformance_report(root, report):
    matrix = list(root.find("table", cls="matrix"))
    expect(len(matrix) == 1 or not report["policies"], "no matrix")
    for p in report["policies"]:
        rows = list(matrix[0].find("tr", data_policy=p["name"])) if matrix else []
        expect(len(rows) == 1, f"policy {p['name']!r}: {len(rows)} rows in the matrix")
        if rows:
            expect(rows[0].attrs.get("data-level") == str(p["level"]), f"policy {p['name']!r}: wrong level")
            marks = [td.text() for td in rows[0].find("td", cls="mark")]
            wanted = ["✓ meets" if p["level"] >= l else "✗ short" for l in (1, 2, 3)]
            expect(marks == wanted, f"policy {p['name']!r}: marks {marks}, not {wanted}")
        if p["shortfalls"]:
            sections = list(root.find("section", cls="policy", data_policy=p["name"]))
            expect(len(sections) == 1, f"policy {p['name']!r}: {len(sections)} shortfall sections")
            shown = {r.attrs.get("data-setting") for s in sections for r in s.find("tr")}
            for s in p["shortfalls"]:
                expect(s["setting"] in shown, f"policy {p['name']!r}: shortfall {s['setting']} missing")
    return f"{len(report['policies'])} policies"


def main(argv):
    kind, dom_path, json_path, *rest = argv
    expected_text = [rest[i + 1] for i, a in enumerate(rest) if a == "--expect-text"]
    parser = Parser()
    with open(dom_path, encoding="utf-8") as f:
        parser.feed(f.read())
    root = parser.root
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    common(root, f"mamlint {kind}")
    what = {"check": check_report, "plan": plan_report, "conformance": conformance_report}[kind](root, report)
    body = " ".join(b.text() for b in root.find("body"))
    for text in expected_text:
        expect(text in body, f"text {text!r} not shown as written")
    for p in problems:
        print(f"FAILED: {dom_path}: {p}")
    if problems:
        return 1
    print(f"ok: {dom_path}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
