//! The schedule commits keep: the period their intervals fit, in words.

use super::{DAY, busiest};

/// The period the intervals between `times` (ascending) fit, and the share of intervals that
/// are within tolerance of a whole multiple of it (a job that skips runs when nothing changed
/// still fits). The period is taken from the shorter intervals, where a schedule shows itself.
pub(crate) fn regularity(times: &[i64]) -> (i64, f64) {
    // Commit times come from the pushed objects: any i64 is possible, so no arithmetic on
    // them may overflow.
    let mut intervals: Vec<i64> = times
        .iter()
        .zip(times.iter().skip(1))
        .map(|(a, b)| b.saturating_sub(*a))
        .filter(|d| *d > 0)
        .collect();
    intervals.sort_unstable();
    let Some(&period) = intervals.get(intervals.len() / 4).filter(|_| intervals.len() >= 2) else {
        return (0, 0.0);
    };
    if period < 60 {
        return (period, 0.0);
    }
    let tolerance = (period / 10).max(30);
    let fitting = intervals
        .iter()
        .filter(|&&d| {
            let k = ((d as f64) / (period as f64)).round().max(1.0) as i64;
            d.saturating_sub(k.saturating_mul(period)).saturating_abs() <= tolerance
        })
        .count();
    (period, fitting as f64 / intervals.len() as f64)
}

/// A period in words: `5 min`, `1 h`, `1 d`, rounded to the minute.
pub(crate) fn period_text(seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    match minutes {
        0 => format!("{seconds} s"),
        m if m % 1440 == 0 => format!("{} d", m / 1440),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m if m >= 120 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{m} min"),
    }
}

/// Whether `times` hold at least `min_commits` within `window_days`, on at least `min_days`
/// distinct days.
pub(crate) fn sustained(times: &[i64], min_commits: u32, min_days: u32, window_days: u32) -> bool {
    let (most, days) = busiest(times, i64::from(window_days).saturating_mul(DAY));
    // A dense run (`min_commits` × `min_days` commits) is a job even within a few days.
    most >= min_commits as usize
        && (days >= min_days as usize || most >= (min_commits as usize).saturating_mul(min_days as usize))
}

/// The first and last of `times`.
pub(crate) fn span(times: &[i64]) -> (i64, i64) {
    (
        times.iter().copied().min().unwrap_or(0),
        times.iter().copied().max().unwrap_or(0),
    )
}

/// A day, `2024-05-01`.
pub(crate) fn date(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .map(|ts| ts.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_schedules_fit_and_people_do_not() {
        let hourly: Vec<i64> = (0..50).map(|i| 1_000_000 + i * 3600 + (i % 3) * 7).collect();
        let (period, share) = regularity(&hourly);
        assert!((3580..=3610).contains(&period) && share > 0.95, "{period} {share}");
        // Skipped runs still fit the period.
        let skipping: Vec<i64> = (0..60).filter(|i| i % 4 != 1).map(|i| i * 300).collect();
        let (period, share) = regularity(&skipping);
        assert_eq!(period, 300);
        assert!(share > 0.95, "{share}");
        // Irregular, human-like intervals.
        let mut t = 0;
        let mut x: u64 = 12345;
        let human: Vec<i64> = (0..60)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t += 600 + (x >> 33) as i64 % 200_000;
                t
            })
            .collect();
        assert!(regularity(&human).1 < 0.6, "{:?}", regularity(&human));
    }

    #[test]
    fn periods_read_well() {
        assert_eq!(period_text(300), "5 min");
        assert_eq!(period_text(3600), "1 h");
        assert_eq!(period_text(86400), "1 d");
        assert_eq!(period_text(5400), "90 min");
        assert_eq!(period_text(3607), "1 h");
        assert_eq!(period_text(303), "5 min");
        assert_eq!(period_text(9000), "2.5 h");
    }
}
