//! Times as Go and the tools of a Linux machine write them: RFC 3339 (the API server's
//! timestamps), RFC 1123 with a numeric zone (`describe`), the Common Log Format (nginx's
//! access log) and `date`'s default. All in UTC, from Unix seconds; nothing here reads a clock.

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = if m > 2 { m - 3 } else { m + 9 } as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

/// Formats Unix seconds as RFC 3339 in UTC, the way the API server prints timestamps.
pub fn rfc3339(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let rem = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + se)
}

/// `Sat, 28 May 2022 09:00:09 +0000` (RFC 1123 with numeric zone).
pub fn rfc1123z(stamp: &str) -> String {
    let Some(secs) = parse_rfc3339(stamp) else { return stamp.to_string() };
    let days = secs.div_euclid(86_400);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m: usize = stamp[5..7].parse().unwrap_or(1);
    format!("{wd}, {} {} {} {} +0000", &stamp[8..10], mon[m.clamp(1, 12) - 1], &stamp[0..4], &stamp[11..19])
}

/// Common Log Format time: `28/May/2022:09:00:09 +0000`.
pub fn clf_time(unix: i64) -> String {
    let stamp = rfc3339(unix);
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m: usize = stamp[5..7].parse().unwrap_or(1);
    format!("{}/{}/{}:{} +0000", &stamp[8..10], mon[m.clamp(1, 12) - 1], &stamp[0..4], &stamp[11..19])
}

/// `date`'s default form for Unix seconds in UTC: `Sat May 28 09:00:09 UTC 2022`.
pub fn unix_date(unix: i64) -> String {
    let d = rfc1123z(&rfc3339(unix));
    // `Sat, 28 May 2022 09:00:09 +0000` → `Sat May 28 09:00:09 UTC 2022`.
    let p: Vec<&str> = d.split_whitespace().collect();
    if p.len() >= 5 {
        let day: u32 = p[1].parse().unwrap_or(0);
        format!("{} {} {day:>2} {} UTC {}", p[0].trim_end_matches(','), p[2], p[4], p[3])
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_653_728_400), "2022-05-28T09:00:00Z");
        assert_eq!(parse_rfc3339("2022-05-28T09:00:00Z"), Some(1_653_728_400));
        assert_eq!(parse_rfc3339("2024-02-29T23:59:59Z").map(rfc3339).as_deref(), Some("2024-02-29T23:59:59Z"));
        assert_eq!(parse_rfc3339("nonsense"), None);
    }
}
