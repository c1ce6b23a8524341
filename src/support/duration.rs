//! `HumanDuration` from apimachinery `pkg/util/duration`: the AGE column (reference §5.3).

/// Formats a duration given in whole milliseconds (negative: in the future).
pub fn human_duration_ms(ms: i64) -> String {
    // The printers truncate to whole seconds.
    if ms < -1000 {
        return "<invalid>".into();
    }
    if ms < 0 {
        return "0s".into();
    }
    human_duration_secs(ms / 1000)
}

/// Formats whole seconds.
pub fn human_duration_secs(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 60 * 2 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{dy}d", hours / 24 / 365) };
    }
    format!("{}y", hours / 24 / 365)
}

/// Parses what `human_duration_secs` prints back into seconds (the lower bound). For tests.
pub fn parse_human(s: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: i64 = num.parse().ok()?;
            num.clear();
            total += n * match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'y' => 86_400 * 365,
                _ => return None,
            };
        }
    }
    num.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_examples() {
        for (s, want) in [
            (8, "8s"),
            (102, "102s"),
            (119, "119s"),
            (120, "2m"),
            (174, "2m54s"),
            (599, "9m59s"),
            (600, "10m"),
            (659, "10m"),
            (10799, "179m"),
            (10800, "3h"),
            (11100, "3h5m"),
            (28800, "8h"),
            (86400, "24h"),
            (172800, "2d"),
            (190800, "2d5h"),
            (691200, "8d"),
        ] {
            assert_eq!(human_duration_secs(s), want, "{s}");
            assert_eq!(parse_human(want).map(|p| p <= s), Some(true));
        }
        assert_eq!(human_duration_ms(-500), "0s");
        assert_eq!(human_duration_ms(-5000), "<invalid>");
        assert_eq!(human_duration_secs(86400 * 365 * 3), "3y");
    }
}
