//! ISO 8601 durations as Graph writes them (`PT12H`, `P90D`, `PT0S`, `-PT17.13S`).

/// Parses an ISO 8601 duration to seconds. Years and months have no fixed length; they count
/// as 365 and 30 days, which is enough to compare offline periods.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut total = 0.0;
    total += components(
        date,
        &[
            ('Y', 365.0 * 86400.0),
            ('M', 30.0 * 86400.0),
            ('W', 7.0 * 86400.0),
            ('D', 86400.0),
        ],
    )?;
    if let Some(time) = time {
        total += components(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    Some(sign * total)
}

/// Sums `<number><unit>` pairs whose units appear in `units` order, each at most once.
fn components(mut text: &str, units: &[(char, f64)]) -> Option<f64> {
    let mut total = 0.0;
    let mut next_unit = 0;
    while !text.is_empty() {
        let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
        let number = &text[..end];
        if number.is_empty() || number.starts_with(['.', ',']) || number.ends_with(['.', ',']) {
            return None;
        }
        let value: f64 = number.replace(',', ".").parse().ok()?;
        let unit = text[end..].chars().next()?;
        let position = units[next_unit..].iter().position(|&(u, _)| u == unit)? + next_unit;
        total += value * units[position].1;
        next_unit = position + 1;
        text = &text[end + unit.len_utf8()..];
    }
    Some(total)
}

/// Renders seconds for messages: `12 hours`, `90 days`, `30 minutes`.
pub fn describe(seconds: f64) -> String {
    let units = [
        (86400.0, "day"),
        (3600.0, "hour"),
        (60.0, "minute"),
        (1.0, "second"),
    ];
    for (size, name) in units {
        if seconds.abs() >= size && (seconds / size).fract() == 0.0 {
            let n = seconds / size;
            return format!("{n} {name}{}", if n.abs() == 1.0 { "" } else { "s" });
        }
    }
    format!("{seconds} seconds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_graph_durations() {
        assert_eq!(parse_seconds("PT12H"), Some(43200.0));
        assert_eq!(parse_seconds("P90D"), Some(90.0 * 86400.0));
        assert_eq!(parse_seconds("PT30M"), Some(1800.0));
        assert_eq!(parse_seconds("PT0S"), Some(0.0));
        assert_eq!(parse_seconds("P1DT2H"), Some(93600.0));
        assert_eq!(parse_seconds("-PT17.1357909S"), Some(-17.1357909));
        assert_eq!(parse_seconds("P2W"), Some(14.0 * 86400.0));
        for bad in [
            "", "P", "PT", "12H", "P1H", "PT1D", "P1D2D", "PT1M1H", "P.5D", "P1DT",
        ] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
        assert_eq!(describe(43200.0), "12 hours");
        assert_eq!(describe(86400.0), "1 day");
    }
}
