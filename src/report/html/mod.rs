//! `--format html`: self-contained HTML pages for a change-advisory board (spec §11), one view
//! per command over what the library already decided: the findings of `check`
//! ([`check`], over a `lint::Outcome`), a rollout `plan` ([`plan`]) and the `conformance`
//! matrix ([`conformance`]). The last stage of the data flow, like the other reporters.
//!
//! Every page is one file: inline CSS, no scripts, no fonts or images, and a
//! Content-Security-Policy that forbids loading anything, so a report opened from a mail
//! attachment fetches nothing. Policy files are hostile input (a `displayName` may hold
//! markup), so views never write markup themselves: they build pages through [`Html`], whose
//! only ways to add text escape it. A new view is a file here with a function from its data
//! to [`page`].

pub mod check;
pub mod conformance;
pub mod plan;

use std::borrow::Cow;

/// Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"` and
/// `'` become character references (quick-xml's XML escaping, which HTML shares).
pub fn escape(text: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// An HTML fragment under construction. Tag and attribute names are `&'static str`, written in
/// the views; everything that comes from input is text or an attribute value and is escaped.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
}

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    /// `<tag attr="value" ...>`, leaving out attributes whose value is empty (a view passes
    /// `("class", "")` for a row that is not highlighted).
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs.iter().filter(|(_, value)| !value.is_empty()) {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    /// `</tag>`, and a line break after block elements so the source stays readable.
    pub fn close(&mut self, tag: &'static str) -> &mut Html {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        if !matches!(tag, "a" | "span" | "code" | "strong" | "em" | "td" | "th") {
            self.out.push('\n');
        }
        self
    }

    pub fn text(&mut self, text: &str) -> &mut Html {
        self.out.push_str(&escape(text));
        self
    }

    /// Text in which `` `spans` `` are code, as mamlint's messages write them (as Markdown
    /// does); text with an unpaired backtick is plain.
    pub fn rich(&mut self, text: &str) -> &mut Html {
        if !text.matches('`').count().is_multiple_of(2) {
            return self.text(text);
        }
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 {
                self.element("code", &[], part);
            } else {
                self.text(part);
            }
        }
        self
    }

    /// `<tag attrs>` with [`Html::rich`] text, then `</tag>`.
    pub fn rich_element(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Html {
        self.open(tag, attrs).rich(text).close(tag)
    }

    /// `<tag attrs>text</tag>`.
    pub fn element(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Html {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// A table's header row.
    pub fn header_row(&mut self, cells: &[&str]) -> &mut Html {
        self.open("thead", &[]).open("tr", &[]);
        for cell in cells {
            self.element("th", &[], cell);
        }
        self.close("tr").close("thead")
    }

    /// A badge: a short word in a coloured box, the word itself carrying the meaning so that
    /// a black-and-white printout says the same.
    pub fn badge(&mut self, class: &str, text: &str) -> &mut Html {
        self.element("span", &[("class", &format!("badge {class}"))], text)
    }

    pub fn into_string(self) -> String {
        self.out
    }
}

/// The page around a view's body: one `<h1>`, the body, and a footer naming mamlint.
pub fn page(title: &str, body: Html) -> String {
    let mut head = Html::new();
    head.element("title", &[], title);
    let mut header = Html::new();
    header
        .open("header", &[])
        .element("h1", &[], title)
        .close("header");
    let mut footer = Html::new();
    footer
        .open("footer", &[])
        .text(&format!("mamlint {} · ", env!("CARGO_PKG_VERSION")))
        .element(
            "a",
            &[("href", crate::report::sarif::INFORMATION_URI)],
            crate::report::sarif::INFORMATION_URI,
        )
        .close("footer");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"generator\" content=\"mamlint\">\n{}<style>\n{STYLE}</style>\n</head>\n\
         <body>\n{}<main>\n{}</main>\n{}</body>\n</html>\n",
        head.into_string(),
        header.into_string(),
        body.into_string(),
        footer.into_string(),
    )
}

/// Nothing may be loaded or run; only the inline style applies.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE: &str = include_str!("style.css");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_in_text_and_attributes_stays_text() {
        let mut html = Html::new();
        html.element(
            "p",
            &[("title", "\"><script>alert(1)</script>")],
            "<script>alert('x')</script> & <b>",
        );
        assert_eq!(
            html.into_string(),
            "<p title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &lt;b&gt;</p>\n"
        );
    }

    #[test]
    fn the_page_loads_nothing() {
        let page = page("t", Html::new());
        assert!(page.contains("default-src 'none'"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("<link"));
        assert!(!page.contains("@import"));
        assert!(!page.contains("url("));
    }

    #[test]
    fn backticks_are_code_when_paired() {
        let mut html = Html::new();
        html.rich_element("p", &[], "`a<b>` is `c`")
            .rich_element("p", &[], "one ` alone");
        assert_eq!(
            html.into_string(),
            "<p><code>a&lt;b&gt;</code> is <code>c</code></p>\n<p>one ` alone</p>\n"
        );
    }

    proptest! {
        // Escaping is total: no character that could open a tag, end an attribute or start an
        // unintended reference survives, and unescaping gives the text back.
        #[test]
        fn escaping_is_total(text in any::<String>()) {
            let escaped = escape(&text);
            prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
            for (i, _) in escaped.match_indices('&') {
                let rest = &escaped[i..];
                prop_assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|r| rest.starts_with(r)),
                    "bare & in {escaped:?}"
                );
            }
            prop_assert_eq!(quick_xml::escape::unescape(&escaped).unwrap(), text.as_str());
        }
    }
}
