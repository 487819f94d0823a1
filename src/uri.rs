//! `file:` URIs (RFC 8089) ⇄ the absolute path strings the language server keys files and
//! buffers by, and SARIF names its root with. A leaf beside the data flow.
//!
//! Both path styles are handled on every platform, so the Windows forms clients send
//! (`file:///C:/x`, `file:///c%3A/x`, `file://server/share/x`) are unit-tested on Linux too;
//! the server itself uses [`PathStyle::NATIVE`]. URIs are parsed with the LSP crate's
//! strict RFC 3986 [`Uri`] type, and path segments are percent-encoded with [`SEGMENT`], so
//! every URI built here is one that type accepts.

use gen_lsp_types::Uri;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What a URI path segment may hold unencoded: RFC 3986 `pchar`, i.e. unreserved characters,
/// sub-delims, `:` and `@` (§3.3). Everything else, `%`, `#`, `?`, `/`, `[`, `]`, `|` and every
/// non-ASCII byte included, is percent-encoded.
pub const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// A UNC server name as an RFC 3986 `reg-name`: `pchar` without `:` and `@`, which would
/// start a port or end a userinfo.
const REG_NAME: &AsciiSet = &SEGMENT.add(b':').add(b'@');

/// How a platform spells absolute paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// `/home/a/x.yaml`
    Unix,
    /// `C:\a\x.yaml` and `\\server\share\x.yaml`
    Windows,
}

impl PathStyle {
    pub const NATIVE: PathStyle = if cfg!(windows) {
        PathStyle::Windows
    } else {
        PathStyle::Unix
    };
}

/// The path a `file:` URI names on this platform; `None` for other schemes and for URIs that
/// name no local absolute path.
pub fn to_path(uri: &str) -> Option<String> {
    to_path_as(uri, PathStyle::NATIVE)
}

/// The `file:` URI of an absolute path on this platform.
pub fn from_path(path: &str) -> Option<Uri> {
    from_path_as(path, PathStyle::NATIVE)
}

/// [`to_path`] for a given path style. Windows drive letters come back upper-case, as
/// `std::path::absolute` spells them, because clients often send `file:///c%3A/...` and
/// paths are compared as strings.
pub fn to_path_as(uri: &str, style: PathStyle) -> Option<String> {
    let uri: Uri = uri.parse().ok()?;
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let host = match uri.authority() {
        Some(authority) if authority.has_userinfo() || authority.has_port() => return None,
        Some(authority) => percent_decode_str(authority.host()).decode_utf8().ok()?,
        None => "".into(),
    };
    // RFC 8089 §2: `localhost` and an empty host both mean this machine.
    let host = Some(host).filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case("localhost"));
    let path = percent_decode_str(uri.path().as_str()).decode_utf8().ok()?;
    if path.contains('\0') {
        return None;
    }
    match style {
        PathStyle::Unix => (host.is_none() && path.starts_with('/')).then(|| path.into_owned()),
        PathStyle::Windows => {
            if let Some(host) = host {
                return (path.len() > 1).then(|| format!(r"\\{host}{}", path.replace('/', r"\")));
            }
            // `file:////server/share/x` is how some tools spell a UNC path.
            if let Some(unc) = path.strip_prefix("//") {
                return (!unc.is_empty()).then(|| format!(r"\\{}", unc.replace('/', r"\")));
            }
            let rest = path.strip_prefix('/').unwrap_or(&path);
            let (drive, tail) = split_drive(rest)?;
            let tail = if tail.is_empty() { "/" } else { tail };
            Some(format!(
                "{}:{}",
                drive.to_ascii_uppercase(),
                tail.replace('/', r"\")
            ))
        }
    }
}

/// `C:` or `C:/...` → (`C`, the rest from its `/`).
fn split_drive(path: &str) -> Option<(char, &str)> {
    let mut chars = path.chars();
    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
    let rest = chars.as_str().strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with('/')).then_some((letter, rest))
}

/// [`from_path`] for a given path style. Windows paths may use either separator; verbatim
/// paths (`\\?\C:\x`, `\\?\UNC\server\share\x`) get the URI of their plain form.
pub fn from_path_as(path: &str, style: PathStyle) -> Option<Uri> {
    let text = match style {
        PathStyle::Unix => format!("file://{}", encode_path(path.strip_prefix('/')?)),
        PathStyle::Windows => {
            let path = path.replace('\\', "/");
            let path = match path.strip_prefix("//?/") {
                Some(verbatim) => match verbatim.strip_prefix("UNC/") {
                    Some(unc) => format!("//{unc}"),
                    None => verbatim.to_owned(),
                },
                None => path,
            };
            if let Some(unc) = path.strip_prefix("//") {
                let (host, rest) = unc.split_once('/').unwrap_or((unc, ""));
                if host.is_empty() {
                    return None;
                }
                let host = utf8_percent_encode(host, REG_NAME);
                format!("file://{host}{}", encode_path(rest))
            } else {
                let (drive, rest) = split_drive(&path)?;
                let rest = rest.strip_prefix('/').unwrap_or(rest);
                format!("file:///{drive}:{}", encode_path(rest))
            }
        }
    };
    text.parse().ok()
}

/// `a b/c` → `/a%20b/c`: every segment encoded, each after a `/`.
fn encode_path(segments: &str) -> String {
    segments
        .split('/')
        .map(|segment| format!("/{}", utf8_percent_encode(segment, SEGMENT)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PathStyle::{Unix, Windows};

    fn uri(path: &str, style: PathStyle) -> String {
        from_path_as(path, style)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = "/tmp/a dir/REF-01;ENV-P; é.yaml";
        let uri = from_path_as(path, Unix).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/a%20dir/REF-01;ENV-P;%20%C3%A9.yaml"
        );
        assert_eq!(to_path_as(uri.as_str(), Unix).as_deref(), Some(path));
    }

    #[test]
    fn unix_paths_with_reserved_and_non_ascii_characters() {
        for (path, expected) in [
            ("/a b/x.yaml", "file:///a%20b/x.yaml"),
            ("/100%/x.yaml", "file:///100%25/x.yaml"),
            ("/a#b/c?d.yaml", "file:///a%23b/c%3Fd.yaml"),
            (
                "/x/[1]|^`{}\".yaml",
                "file:///x/%5B1%5D%7C%5E%60%7B%7D%22.yaml",
            ),
            ("/ünï/😀.yaml", "file:///%C3%BCn%C3%AF/%F0%9F%98%80.yaml"),
            ("/a:b@c/x.yaml", "file:///a:b@c/x.yaml"),
            ("/a\\b.yaml", "file:///a%5Cb.yaml"),
            ("/dir/", "file:///dir/"),
            ("/", "file:///"),
        ] {
            assert_eq!(uri(path, Unix), expected, "{path}");
            assert_eq!(
                to_path_as(expected, Unix).as_deref(),
                Some(path),
                "{expected}"
            );
        }
    }

    #[test]
    fn unix_uris_from_clients() {
        assert_eq!(
            to_path_as("file://localhost/a/x.yaml", Unix).as_deref(),
            Some("/a/x.yaml")
        );
        assert_eq!(
            to_path_as("FILE:///a/x.yaml", Unix).as_deref(),
            Some("/a/x.yaml")
        );
        assert_eq!(
            to_path_as("file:///a/x.yaml#L3", Unix).as_deref(),
            Some("/a/x.yaml")
        );
        assert_eq!(to_path_as("file://server/share/x.yaml", Unix), None);
        assert_eq!(to_path_as("untitled:Untitled-1", Unix), None);
        assert_eq!(to_path_as("https://example.com/x.yaml", Unix), None);
        assert_eq!(to_path_as("file:///a%00b", Unix), None);
        assert_eq!(to_path_as("file:///%FF.yaml", Unix), None);
        assert_eq!(to_path_as("not a uri", Unix), None);
        assert_eq!(from_path_as("relative/x.yaml", Unix), None);
    }

    #[test]
    fn windows_drive_letters() {
        assert_eq!(
            to_path_as("file:///C:/a%20b/x.yaml", Windows).as_deref(),
            Some(r"C:\a b\x.yaml")
        );
        // VS Code encodes the colon and lower-cases the drive.
        assert_eq!(
            to_path_as("file:///c%3A/a%20b/x.yaml", Windows).as_deref(),
            Some(r"C:\a b\x.yaml")
        );
        assert_eq!(to_path_as("file:///C:", Windows).as_deref(), Some(r"C:\"));
        assert_eq!(to_path_as("file:///a/x.yaml", Windows), None);
        assert_eq!(to_path_as("file:///CD:/x.yaml", Windows), None);
        for (path, expected) in [
            (r"C:\a b\x.yaml", "file:///C:/a%20b/x.yaml"),
            (
                r"D:\100%\#1\é?.yaml",
                "file:///D:/100%25/%231/%C3%A9%3F.yaml",
            ),
            (r"C:\", "file:///C:/"),
        ] {
            assert_eq!(uri(path, Windows), expected, "{path}");
            assert_eq!(
                to_path_as(expected, Windows).as_deref(),
                Some(path),
                "{expected}"
            );
        }
        assert_eq!(uri("C:/a b/x.yaml", Windows), "file:///C:/a%20b/x.yaml");
        assert_eq!(uri(r"\\?\C:\a\x.yaml", Windows), "file:///C:/a/x.yaml");
        assert_eq!(from_path_as(r"a\x.yaml", Windows), None);
        assert_eq!(from_path_as(r"\a\x.yaml", Windows), None);
    }

    #[test]
    fn windows_unc_paths() {
        let path = r"\\server\share\a b\x.yaml";
        let uri = uri(path, Windows);
        assert_eq!(uri, "file://server/share/a%20b/x.yaml");
        assert_eq!(to_path_as(&uri, Windows).as_deref(), Some(path));
        assert_eq!(
            to_path_as("file:////server/share/x.yaml", Windows).as_deref(),
            Some(r"\\server\share\x.yaml")
        );
        assert_eq!(
            self::uri(r"\\?\UNC\server\share\x.yaml", Windows),
            "file://server/share/x.yaml"
        );
        assert_eq!(to_path_as("file://server", Windows), None);
        assert_eq!(from_path_as(r"\\\share", Windows), None);
    }
}
