//! What the history added over time: the packed bytes of the blobs each month brought, by the
//! pattern of the offender that holds them (`other` for what no offender holds), and the
//! versions and bytes of the costliest offenders the plan covers, month by month.
//!
//! Read from what the walk already recorded: each commit's time and each change's blob. A blob
//! counts once, in the month of the commit that first holds it (walk order, parents before
//! children, as the overview counts it), under the first offender that holds it (as the
//! shares count it), so the last month of the layers adds up to the blobs the changes name and
//! each pattern's layer ends at its share. An offender's own series counts each of its versions
//! in the month it first appeared at its files.

use std::collections::HashMap;

use super::result::{CHARTED, Layer, MAX_PERIODS, Offender, Point, Series, Timeline};
use crate::outcome::Pattern;
use crate::packs::Packs;
use crate::walk::Walked;

/// The periods of a history: months (or years), from the first commit's to the last one's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Axis {
    /// Periods are years, not months.
    years: bool,
    /// The first period: months since year 0 (`year * 12 + month - 1`), or the year.
    start: i64,
    /// How many periods.
    len: usize,
}

/// Months since year 0 of `time` (seconds since the epoch, UTC); `None` for a time out of
/// the calendar's range.
fn month_number(time: i64) -> Option<i64> {
    let date = jiff::Timestamp::from_second(time)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    Some(i64::from(date.year()) * 12 + i64::from(date.month()) - 1)
}

impl Axis {
    /// The periods that hold `times`.
    pub(crate) fn of(times: impl IntoIterator<Item = i64>) -> Axis {
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for m in times.into_iter().filter_map(month_number) {
            first = first.min(m);
            last = last.max(m);
        }
        if first > last {
            return Axis::default();
        }
        let max = MAX_PERIODS as i64;
        if last - first < max {
            return Axis {
                years: false,
                start: first,
                len: usize::try_from(last - first + 1).unwrap_or(0),
            };
        }
        let (first, last) = (first.div_euclid(12), last.div_euclid(12));
        let first = first.max(last - max + 1);
        Axis {
            years: true,
            start: first,
            len: usize::try_from(last - first + 1).unwrap_or(0),
        }
    }

    /// The period that holds `time`: the first for what is older than it (or has no date).
    pub(crate) fn index(&self, time: i64) -> u32 {
        let Some(month) = month_number(time) else { return 0 };
        let n = if self.years { month.div_euclid(12) } else { month };
        let last = self.len.saturating_sub(1) as i64;
        u32::try_from((n - self.start).clamp(0, last)).unwrap_or(0)
    }

    /// How many periods.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The `i`th period's name: `2024-03`, or `2024` when periods are years.
    pub(crate) fn label(&self, i: usize) -> String {
        let n = self.start + i as i64;
        if self.years {
            n.to_string()
        } else {
            format!("{}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
        }
    }
}

/// What the walk says about when blobs arrived, kept by the audit so that the timeline can be
/// worked out again when a baseline takes offenders away.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arrivals {
    axis: Axis,
    /// Packed bytes of the blobs first held in each period.
    added: Vec<u64>,
}

impl Arrivals {
    /// Each blob the recorded changes name, once, in the period of the commit that first holds
    /// it (`periods`: each commit's period); and that period by the blob's number in the
    /// recorded changes ([`BlobIds::dense`](crate::history::commit::BlobIds::dense); `u32::MAX`: never), for the offenders.
    pub(crate) fn read(axis: Axis, walked: &Walked, periods: &[u32], packs: &Packs) -> (Arrivals, Vec<u32>) {
        let mut added = vec![0u64; axis.len()];
        let Some(recorded) = &walked.recorded else {
            return (Arrivals { axis, added }, Vec::new());
        };
        let blobs = &recorded.blobs;
        let mut first = vec![u32::MAX; blobs.dense_len()];
        for change in &recorded.changes {
            let Some(n) = change.blob() else { continue };
            let Some(slot) = first.get_mut(blobs.dense(n)) else {
                continue;
            };
            if *slot != u32::MAX {
                continue;
            }
            let period = periods.get(change.commit as usize).copied().unwrap_or(0);
            *slot = period;
            // Those the packs hold by their position there, others by id.
            let packed = match blobs.packs().and_then(|p| Some((p, p.located(n)?))) {
                Some((p, at)) => p.packed_at(at),
                None => blobs.id(n).and_then(|id| packs.packed_size(&id)),
            };
            if let Some(slot) = added.get_mut(period as usize) {
                *slot += packed.unwrap_or(0);
            }
        }
        (Arrivals { axis, added }, first)
    }
}

impl Timeline {
    /// The timeline of `offenders` (sorted as the audit sorts them, plan made).
    pub(crate) fn build(arrivals: &Arrivals, offenders: &[Offender]) -> Timeline {
        let axis = arrivals.axis;
        let n = axis.len();
        // Per period what each pattern's offenders added, each blob once (first offender).
        let mut by_pattern: Vec<Vec<u64>> = vec![vec![0; n]; Pattern::ALL.len()];
        let mut counted = super::Seen::of(offenders);
        for o in offenders {
            let Some(row) = Pattern::ALL
                .iter()
                .position(|&p| p == o.pattern)
                .and_then(|i| by_pattern.get_mut(i))
            else {
                continue;
            };
            for (i, (&(id, packed, _), &period)) in o.blobs.iter().zip(&o.arrived).enumerate() {
                if period != u32::MAX
                    && counted.insert(id, o.number(i))
                    && let Some(slot) = row.get_mut(period as usize)
                {
                    *slot += packed;
                }
            }
        }
        let other: Vec<u64> = (0..n)
            .map(|i| {
                let all = arrivals.added.get(i).copied().unwrap_or(0);
                let owned: u64 = by_pattern.iter().filter_map(|row| row.get(i)).sum();
                all.saturating_sub(owned)
            })
            .collect();
        let cumulative = |row: Vec<u64>| -> Vec<u64> {
            row.into_iter()
                .scan(0u64, |sum, v| {
                    *sum = sum.saturating_add(v);
                    Some(*sum)
                })
                .collect()
        };
        let mut layers: Vec<Layer> = Pattern::ALL
            .iter()
            .zip(by_pattern)
            .map(|(&p, row)| Layer {
                pattern: Some(p),
                packed: cumulative(row),
            })
            .collect();
        layers.push(Layer {
            pattern: None,
            packed: cumulative(other),
        });

        let mut charted: Vec<&Offender> = offenders
            .iter()
            .filter(|o| o.fix.is_some() && !o.introduced.is_empty())
            .collect();
        charted.sort_by(|a, b| b.packed.cmp(&a.packed).then_with(|| a.path.cmp(&b.path)));
        // A series' members (each file of `backups/db-*.sql`) add nothing to the series.
        let mut shown = super::Seen::of(offenders);
        let mut series = Vec::new();
        for o in charted {
            if series.len() == CHARTED {
                break;
            }
            if !o.blobs.is_empty() && (o.blobs.iter().enumerate()).all(|(i, b)| shown.contains(&b.0, o.number(i))) {
                continue;
            }
            for (i, b) in o.blobs.iter().enumerate() {
                shown.insert(b.0, o.number(i));
            }
            series.push(Series {
                path: o.path.clone(),
                pattern: o.pattern,
                points: points(&axis, &o.introduced),
            });
        }
        Timeline {
            period: if axis.years { "year" } else { "month" },
            periods: (0..n).map(|i| axis.label(i)).collect(),
            layers,
            offenders: series,
        }
    }
}

/// Cumulative versions and bytes at the end of each period in which some arrived;
/// `introduced` holds (period, packed bytes) per version.
fn points(axis: &Axis, introduced: &[(u32, u64)]) -> Vec<Point> {
    let mut sorted = introduced.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<Point> = Vec::new();
    let (mut versions, mut packed) = (0u64, 0u64);
    for (period, bytes) in sorted {
        versions += 1;
        packed = packed.saturating_add(bytes);
        let index = period as usize;
        match out.last_mut() {
            Some(last) if last.index == index => {
                last.versions = versions;
                last.packed = packed;
            }
            _ => out.push(Point {
                index,
                period: axis.label(index),
                versions,
                packed,
            }),
        }
    }
    out
}

/// When each version of an offender first appeared at its files: (period, packed bytes) per
/// version, from its changes (`(period, blob)`, the blob by its number in the recorded
/// changes), its versions' packed bytes from `versions` (number, packed bytes; `None`: a
/// blob no change names).
pub(crate) fn introduced(
    changes: impl IntoIterator<Item = (u32, u32)>,
    versions: impl IntoIterator<Item = (Option<u32>, u64)>,
) -> Vec<(u32, u64)> {
    let mut earliest: HashMap<u32, u32> = HashMap::new();
    for (period, blob) in changes {
        earliest
            .entry(blob)
            .and_modify(|p| *p = (*p).min(period))
            .or_insert(period);
    }
    versions
        .into_iter()
        .filter_map(|(n, packed)| earliest.get(&n?).map(|&p| (p, packed)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_2024: i64 = 1_704_067_200;
    const DAY: i64 = 86_400;

    #[test]
    fn months_run_from_the_first_commit_to_the_last() {
        let axis = Axis::of([JAN_2024 + 40 * DAY, JAN_2024, JAN_2024 + 100 * DAY]);
        assert_eq!(axis.len(), 4);
        let labels: Vec<String> = (0..axis.len()).map(|i| axis.label(i)).collect();
        assert_eq!(labels, ["2024-01", "2024-02", "2024-03", "2024-04"]);
        assert_eq!(axis.index(JAN_2024 + 40 * DAY), 1);
        assert_eq!(axis.index(JAN_2024 - DAY), 0, "older than the first: the first");
        assert_eq!(Axis::of([]).len(), 0);
    }

    #[test]
    fn long_histories_go_by_years_and_absurd_ones_are_cut() {
        let year = 365 * DAY;
        let axis = Axis::of([JAN_2024 - 60 * year, JAN_2024]);
        assert!(axis.years);
        assert_eq!(axis.label(0), "1964");
        assert_eq!(axis.label(axis.len() - 1), "2024");
        // Year 1 and year 9000: at most MAX_PERIODS, the oldest counted in the first.
        let axis = Axis::of([-62_135_596_800, 221_845_392_000]);
        assert_eq!(axis.len(), MAX_PERIODS);
        assert_eq!(axis.index(-62_135_596_800), 0);
        assert_eq!(axis.label(MAX_PERIODS - 1), "9000");
        // A time out of the calendar's range has no period of its own.
        assert_eq!(Axis::of([i64::MAX]).len(), 0);
    }

    #[test]
    fn points_are_cumulative_per_period() {
        let axis = Axis::of([JAN_2024, JAN_2024 + 70 * DAY]);
        let points = points(&axis, &[(2, 5), (0, 10), (0, 1)]);
        assert_eq!(
            points,
            [
                Point {
                    index: 0,
                    period: "2024-01".into(),
                    versions: 2,
                    packed: 11
                },
                Point {
                    index: 2,
                    period: "2024-03".into(),
                    versions: 3,
                    packed: 16
                },
            ]
        );
    }

    #[test]
    fn a_version_arrives_when_first_seen_at_the_offender() {
        let (a, b) = (1, 2);
        let got = introduced([(3, a), (1, a), (2, b)], [(Some(a), 100), (Some(b), 7), (None, 9)]);
        assert_eq!(got, [(1, 100), (2, 7)]);
    }
}
