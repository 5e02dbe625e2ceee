//! The HTML pages' charts, drawn as inline SVG. The audit's, from its [`Timeline`]: the packed
//! bytes the history holds month by month, stacked by pattern, and one small chart per offender
//! with its versions and bytes. The merged fleet report's: horizontal bars ([`bars`]) of bytes,
//! one row per repository or pattern. Marks carry `<title>` tooltips; colours come from the
//! page's stylesheet (classes), so they follow its light, dark and print schemes. Coordinates
//! are rounded to a tenth of a pixel and runs of equal values drawn as one segment, to keep the
//! page small.

use std::fmt::Write as _;

use super::common::{escape_html as escape, plural};
use crate::audit::result::{Series, Timeline};
use crate::outcome::Pattern;
use crate::util::{human_size, sanitize};

/// Periods with new versions an offender's chart marks with a dot; more are a line.
const MAX_DOTS: usize = 36;

/// The CSS class of a pattern's marks (`other`: what no offender holds).
pub(crate) fn class(pattern: Option<Pattern>) -> &'static str {
    pattern.map_or("other", Pattern::key)
}

/// A layer's name for people.
pub(crate) fn layer_name(pattern: Option<Pattern>) -> &'static str {
    pattern.map_or("Other (no offender)", Pattern::title)
}

/// A coordinate with at most one decimal.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// 1, 2 or 5 times a power of ten, at least `x`.
fn nice(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    let f = x / power;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * power
}

/// Ticks from 0 to at least `max` bytes, about four steps of a round number of KiB, MiB, GiB.
fn byte_ticks(max: u64) -> Vec<u64> {
    if max == 0 {
        return vec![0];
    }
    let mut unit = 1u64;
    while unit.saturating_mul(1024) <= max && unit < (1 << 60) {
        unit *= 1024;
    }
    let step_units = nice(max as f64 / unit as f64 / 4.0);
    let step = ((step_units * unit as f64).round() as u64).max(1);
    ticks(max, step)
}

/// Ticks from 0 to at least `max` of a count, about four whole steps.
fn count_ticks(max: u64) -> Vec<u64> {
    if max == 0 {
        return vec![0];
    }
    let step = (nice(max as f64 / 4.0).round() as u64).max(1);
    ticks(max, step)
}

fn ticks(max: u64, step: u64) -> Vec<u64> {
    let mut out = vec![0];
    let mut t = 0u64;
    while t < max {
        t = t.saturating_add(step);
        out.push(t);
    }
    out
}

/// A path through `points` drawn with `H` and `V` where it can, runs of collinear points cut.
fn polyline(points: &[(f64, f64)]) -> String {
    let rounded: Vec<(String, String)> = points.iter().map(|&(x, y)| (n(x), n(y))).collect();
    let mut kept: Vec<&(String, String)> = Vec::with_capacity(rounded.len());
    for p in &rounded {
        if kept.last().is_some_and(|last| *last == p) {
            continue;
        }
        if let [.., a, b] = kept.as_slice()
            && ((a.1 == b.1 && b.1 == p.1) || (a.0 == b.0 && b.0 == p.0))
        {
            kept.pop();
        }
        kept.push(p);
    }
    let mut d = String::new();
    let mut previous: Option<&(String, String)> = None;
    for p in kept {
        match previous {
            None => {
                let _ = write!(d, "M{},{}", p.0, p.1);
            }
            Some(q) if q.1 == p.1 => {
                let _ = write!(d, "H{}", p.0);
            }
            Some(q) if q.0 == p.0 => {
                let _ = write!(d, "V{}", p.1);
            }
            Some(_) => {
                let _ = write!(d, "L{},{}", p.0, p.1);
            }
        }
        previous = Some(p);
    }
    d
}

/// A plot area: `periods` bands across `width`, values up to `top` down `height`.
struct Plot {
    left: f64,
    top_px: f64,
    width: f64,
    height: f64,
    periods: usize,
    top: f64,
}

impl Plot {
    fn x(&self, i: usize) -> f64 {
        self.left + self.width * i as f64 / self.periods.max(1) as f64
    }

    fn y(&self, v: f64) -> f64 {
        let share = if self.top > 0.0 { v / self.top } else { 0.0 };
        self.top_px + self.height * (1.0 - share.clamp(0.0, 1.0))
    }

    fn bottom(&self) -> f64 {
        self.top_px + self.height
    }

    /// The corners of a step line: each period's value across its band.
    fn steps(&self, values: &[f64]) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(values.len() * 2);
        for (i, &v) in values.iter().enumerate() {
            let y = self.y(v);
            out.push((self.x(i), y));
            out.push((self.x(i + 1), y));
        }
        out
    }

    /// The area between two step lines (`lower` under `upper`).
    fn band(&self, lower: &[f64], upper: &[f64]) -> String {
        let mut points = self.steps(upper);
        let mut below = self.steps(lower);
        below.reverse();
        points.extend(below);
        let mut d = polyline(&points);
        d.push('Z');
        d
    }

    /// Which periods get a label on the time axis, and the label: months every 1, 2, 3 or 6
    /// months, or Januaries every so many years; years every so many years.
    fn time_labels(&self, periods: &[String], years: bool, most: usize) -> Vec<(usize, String)> {
        let count = periods.len();
        let month = |label: &str| label.get(5..7).and_then(|m| m.parse::<usize>().ok()).unwrap_or(1);
        if years {
            let every = [1, 2, 5, 10, 20, 50, 100, 200, 500]
                .into_iter()
                .find(|e| count.div_ceil(*e) <= most)
                .unwrap_or(1000);
            return periods
                .iter()
                .enumerate()
                .filter(|(_, p)| p.parse::<i64>().is_ok_and(|y| y.rem_euclid(every as i64) == 0))
                .map(|(i, p)| (i, p.clone()))
                .collect();
        }
        if let Some(every) = [1, 2, 3, 6].into_iter().find(|e| count.div_ceil(*e) <= most) {
            return periods
                .iter()
                .enumerate()
                .filter(|(_, p)| (month(p) - 1) % every == 0)
                .map(|(i, p)| (i, p.clone()))
                .collect();
        }
        let years = count.div_ceil(12);
        let every = [1, 2, 5, 10, 20, 50]
            .into_iter()
            .find(|e| years.div_ceil(*e) <= most)
            .unwrap_or(100);
        periods
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                month(p) == 1
                    && p.get(..4)
                        .and_then(|y| y.parse::<i64>().ok())
                        .is_some_and(|y| y.rem_euclid(every as i64) == 0)
            })
            .map(|(i, p)| (i, p.get(..4).unwrap_or(p).to_owned()))
            .collect()
    }

    /// The time axis: a baseline, a tick and a label at each of `labels` (under the middle of
    /// the period where periods are wide, at its start otherwise).
    fn time_axis(&self, svg: &mut String, labels: &[(usize, String)], centred: bool) {
        let bottom = n(self.bottom());
        let _ = write!(
            svg,
            r#"<path class="axis" d="M{},{bottom}H{}"/>"#,
            n(self.left),
            n(self.left + self.width)
        );
        let band = self.width / self.periods.max(1) as f64;
        let centred = centred && band >= 48.0;
        for (i, label) in labels {
            let x = if centred { self.x(*i) + band / 2.0 } else { self.x(*i) };
            let _ = write!(
                svg,
                r#"<path class="axis" d="M{},{bottom}v4"/><text x="{}" y="{}" class="tick">{}</text>"#,
                n(x),
                n(x),
                n(self.bottom() + 16.0),
                escape(label)
            );
        }
    }

    /// A value axis at the left (`right`: at the right) with grid lines at the left one.
    fn value_axis(&self, svg: &mut String, ticks: &[u64], label: impl Fn(u64) -> String, right: bool) {
        for &t in ticks {
            let y = n(self.y(t as f64));
            if right {
                let _ = write!(
                    svg,
                    r#"<text x="{}" y="{y}" dy="4" class="tick start">{}</text>"#,
                    n(self.left + self.width + 6.0),
                    escape(&label(t))
                );
            } else {
                let _ = write!(
                    svg,
                    r#"<path class="grid" d="M{},{y}H{}"/><text x="{}" y="{y}" dy="4" class="tick end">{}</text>"#,
                    n(self.left),
                    n(self.left + self.width),
                    n(self.left - 6.0),
                    escape(&label(t))
                );
            }
        }
    }
}

/// The stacked chart of what the history holds month by month: one band per pattern with
/// bytes (then `other`), a legend's worth of classes, a tooltip per period. `None` when the
/// history has no period.
pub(crate) fn size_over_time(t: &Timeline) -> Option<String> {
    let count = t.periods.len();
    if count == 0 {
        return None;
    }
    let layers: Vec<_> = t
        .layers
        .iter()
        .filter(|l| l.packed.last().copied().unwrap_or(0) > 0)
        .collect();
    let total = |i: usize| -> u64 { layers.iter().filter_map(|l| l.packed.get(i)).sum() };
    let max = (0..count).map(total).max().unwrap_or(0);
    let ticks = byte_ticks(max);
    let (width, height) = (960.0, 320.0);
    let plot = Plot {
        left: 80.0,
        top_px: 12.0,
        width: width - 80.0 - 16.0,
        height: height - 12.0 - 44.0,
        periods: count,
        top: ticks.last().copied().unwrap_or(0) as f64,
    };
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="size-title"><title id="size-title">Packed bytes the history holds at the end of each {}, by pattern</title>"#,
        t.period
    );
    plot.value_axis(&mut svg, &ticks, human_size, false);
    let mut lower = vec![0f64; count];
    for layer in &layers {
        let upper: Vec<f64> = lower.iter().zip(&layer.packed).map(|(l, v)| l + *v as f64).collect();
        let last = layer.packed.last().copied().unwrap_or(0);
        let _ = write!(
            svg,
            r#"<path class="area {}" d="{}"><title>{}: {} at the end of {}</title></path>"#,
            class(layer.pattern),
            plot.band(&lower, &upper),
            escape(layer_name(layer.pattern)),
            human_size(last),
            escape(t.periods.last().map_or("", String::as_str))
        );
        lower = upper;
    }
    let labels = plot.time_labels(&t.periods, t.period == "year", 10);
    plot.time_axis(&mut svg, &labels, true);
    // One tooltip per period: what each pattern held then.
    svg.push_str(r#"<g class="hover">"#);
    let band = plot.width / count as f64;
    for (i, period) in t.periods.iter().enumerate() {
        let mut tip = format!("{}: {} in all", escape(period), human_size(total(i)));
        for layer in &layers {
            let v = layer.packed.get(i).copied().unwrap_or(0);
            if v > 0 {
                let _ = write!(tip, "\n{}: {}", escape(layer_name(layer.pattern)), human_size(v));
            }
        }
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}"><title>{tip}</title></rect>"#,
            n(plot.x(i)),
            n(plot.top_px),
            n(band),
            n(plot.height)
        );
    }
    svg.push_str("</g></svg>");
    Some(svg)
}

/// One offender's small chart: its packed bytes (an area in its pattern's colour) and its
/// versions (a line), cumulative, over the whole history's periods.
pub(crate) fn offender(t: &Timeline, s: &Series) -> String {
    let count = t.periods.len().max(1);
    let mut versions = vec![0f64; count];
    let mut bytes = vec![0f64; count];
    let (mut v, mut b) = (0u64, 0u64);
    let mut points = s.points.iter().peekable();
    for i in 0..count {
        while let Some(p) = points.next_if(|p| p.index <= i) {
            v = p.versions;
            b = p.packed;
        }
        if let (Some(vs), Some(bs)) = (versions.get_mut(i), bytes.get_mut(i)) {
            *vs = v as f64;
            *bs = b as f64;
        }
    }
    let byte_ticks = byte_ticks(b);
    let version_ticks = count_ticks(v);
    let (width, height) = (340.0, 160.0);
    let mut plot = Plot {
        left: 70.0,
        top_px: 10.0,
        width: width - 70.0 - 40.0,
        height: height - 10.0 - 34.0,
        periods: count,
        top: byte_ticks.last().copied().unwrap_or(0) as f64,
    };
    let path = escape(&sanitize(&s.path));
    let mut svg = format!(
        r#"<svg class="chart small" viewBox="0 0 {width} {height}" role="img"><title>{path}: versions and packed bytes by {}</title>"#,
        t.period
    );
    let ends = [byte_ticks.first(), byte_ticks.last()];
    let shown: Vec<u64> = ends.into_iter().flatten().copied().collect();
    plot.value_axis(&mut svg, &shown, human_size, false);
    let zero = vec![0f64; count];
    let _ = write!(
        svg,
        r#"<path class="area {}" d="{}"/>"#,
        class(Some(s.pattern)),
        plot.band(&zero, &bytes)
    );
    plot.top = version_ticks.last().copied().unwrap_or(0) as f64;
    let ends = [version_ticks.first(), version_ticks.last()];
    let shown: Vec<u64> = ends.into_iter().flatten().copied().collect();
    plot.value_axis(&mut svg, &shown, |t| t.to_string(), true);
    let _ = write!(
        svg,
        r#"<path class="versions" d="{}"/>"#,
        polyline(&plot.steps(&versions))
    );
    // A dot per period with new versions, each with its tooltip; where dots would run into a
    // line, the tooltips go on the periods' columns instead.
    let dots = s.points.len() <= MAX_DOTS;
    if !dots {
        svg.push_str(r#"<g class="hover">"#);
    }
    for p in &s.points {
        let tip = format!(
            "{}: {} version{}, {} packed",
            escape(&p.period),
            p.versions,
            plural(p.versions),
            human_size(p.packed)
        );
        if dots {
            let x = (plot.x(p.index) + plot.x(p.index + 1)) / 2.0;
            let _ = write!(
                svg,
                r#"<circle class="point" cx="{}" cy="{}" r="3"><title>{tip}</title></circle>"#,
                n(x),
                n(plot.y(p.versions as f64))
            );
        } else {
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{}"><title>{tip}</title></rect>"#,
                n(plot.x(p.index)),
                n(plot.top_px),
                n(plot.x(p.index + 1) - plot.x(p.index)),
                n(plot.height)
            );
        }
    }
    if !dots {
        svg.push_str("</g>");
    }
    let mut labels: Vec<(usize, String)> = Vec::new();
    if let Some(first) = t.periods.first() {
        labels.push((0, first.clone()));
    }
    if count > 1
        && let Some(last) = t.periods.last()
    {
        labels.push((count, last.clone()));
    }
    plot.time_axis(&mut svg, &labels, false);
    svg.push_str("</svg>");
    svg
}

/// One row of a bar chart.
pub(crate) struct Bar {
    /// Its label at the left (plain text, sanitized; a long one is shortened in its middle).
    pub(crate) label: String,
    /// The bar's CSS class (its colour).
    pub(crate) class: &'static str,
    /// Its length, in bytes.
    pub(crate) value: u64,
    /// A pale bar behind it, of the whole it is part of (`value` of `track`).
    pub(crate) track: Option<u64>,
    /// Text after the bar (plain).
    pub(crate) note: String,
    /// The row's tooltip (plain text; lines apart with `\n`).
    pub(crate) tip: String,
}

/// Characters of a bar's label shown; a longer one keeps its start and end.
const LABEL_CHARS: usize = 40;

/// `label` in at most `most` characters: its start, `…`, and its end.
fn clip(label: &str, most: usize) -> String {
    let count = label.chars().count();
    if count <= most {
        return label.to_owned();
    }
    let head = (most - 1) / 2;
    let tail = most - 1 - head;
    let start: String = label.chars().take(head).collect();
    let end: String = label.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// A horizontal bar chart of bytes, a row per bar in the order given, an axis of round byte
/// figures under them; `title` names it for screen readers. `None` without a bar.
pub(crate) fn bars(title: &str, rows: &[Bar]) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let max = rows
        .iter()
        .map(|r| r.value.max(r.track.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let ticks = byte_ticks(max);
    let top = ticks.last().copied().unwrap_or(0) as f64;
    let (width, row) = (960.0, 24.0);
    let (left, right, above) = (330.0, 84.0, 6.0);
    let plot = width - left - right;
    let bottom = above + row * rows.len() as f64;
    let height = bottom + 28.0;
    let x = |v: u64| -> f64 {
        if top > 0.0 {
            left + plot * (v as f64 / top).clamp(0.0, 1.0)
        } else {
            left
        }
    };
    let mut svg = format!(
        r#"<svg class="chart bars" viewBox="0 0 {width} {}" role="img"><title>{}</title>"#,
        n(height),
        escape(title)
    );
    for &t in &ticks {
        let at = n(x(t));
        let _ = write!(
            svg,
            r#"<path class="grid" d="M{at},{}V{}"/><text x="{at}" y="{}" class="tick">{}</text>"#,
            n(above),
            n(bottom),
            n(bottom + 18.0),
            human_size(t)
        );
    }
    let _ = write!(
        svg,
        r#"<path class="axis" d="M{},{}V{}"/>"#,
        n(left),
        n(above),
        n(bottom)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = above + row * i as f64;
        let bar_y = n(y + 5.0);
        let _ = write!(
            svg,
            r#"<g><title>{}</title><text x="{}" y="{}" class="end">{}</text>"#,
            escape(&r.tip),
            n(left - 8.0),
            n(y + 16.0),
            escape(&clip(&r.label, LABEL_CHARS))
        );
        let mut end = x(r.value);
        if let Some(track) = r.track {
            end = end.max(x(track));
            let _ = write!(
                svg,
                r#"<rect class="track" x="{}" y="{bar_y}" width="{}" height="14"/>"#,
                n(left),
                n(x(track) - left)
            );
        }
        let _ = write!(
            svg,
            r#"<rect class="{}" x="{}" y="{bar_y}" width="{}" height="14"/><text x="{}" y="{}" class="start">{}</text></g>"#,
            r.class,
            n(left),
            n(x(r.value) - left),
            n(end + 6.0),
            n(y + 16.0),
            escape(&r.note)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_in_binary_units() {
        assert_eq!(byte_ticks(0), [0]);
        assert_eq!(byte_ticks(3 << 20), [0, 1 << 20, 2 << 20, 3 << 20]);
        let t = byte_ticks(1_700_000);
        assert_eq!(t.last(), Some(&(2 << 20)), "{t:?}");
        assert!(t.len() <= 6, "{t:?}");
        assert_eq!(count_ticks(8), [0, 2, 4, 6, 8]);
        assert_eq!(count_ticks(1), [0, 1]);
    }

    #[test]
    fn paths_draw_runs_as_one_segment() {
        let d = polyline(&[
            (0.0, 10.0),
            (5.0, 10.0),
            (10.0, 10.0),
            (10.0, 4.0),
            (10.0, 2.0),
            (20.0, 2.0),
        ]);
        assert_eq!(d, "M0,10H10V2H20");
        assert_eq!(n(1.25), "1.3");
        assert_eq!(n(3.0), "3");
    }

    #[test]
    fn an_offender_with_many_periods_gets_columns_not_dots() {
        use crate::audit::result::{Point, Series};
        let periods: Vec<String> = (0..60)
            .map(|i| format!("{}-{:02}", 2020 + i / 12, i % 12 + 1))
            .collect();
        let t = Timeline {
            period: "month",
            periods: periods.clone(),
            layers: Vec::new(),
            offenders: Vec::new(),
        };
        let series = |count: usize| Series {
            path: "data/<x>.json".into(),
            pattern: Pattern::Database,
            points: (0..count)
                .map(|i| Point {
                    index: i,
                    period: periods[i].clone(),
                    versions: i as u64 + 1,
                    packed: 1024 * (i as u64 + 1),
                })
                .collect(),
        };
        let few = offender(&t, &series(MAX_DOTS));
        assert_eq!(few.matches("<circle").count(), MAX_DOTS);
        assert!(few.contains("<title>data/&lt;x&gt;.json: versions and packed bytes by month</title>"));
        assert!(few.contains("<title>2020-03: 3 versions, 3.0 KiB packed</title>"));
        let many = offender(&t, &series(50));
        assert_eq!(many.matches("<circle").count(), 0);
        assert_eq!(many.matches("<rect").count(), 50);
        assert!(many.contains("<title>2024-02: 50 versions, 50.0 KiB packed</title>"));
    }

    #[test]
    fn bars_scale_to_round_figures_and_keep_labels_short_and_escaped() {
        let key = format!("gitlab/@hashed/6b/86/{}.git", "6b86b273".repeat(8));
        let svg = bars(
            "By what a fix frees",
            &[
                Bar {
                    label: key.clone(),
                    class: "frees",
                    value: 3 << 20,
                    track: Some(4 << 20),
                    note: "3.0 MiB".into(),
                    tip: format!("{key}: frees 3.0 MiB"),
                },
                Bar {
                    label: "a<b>&\"c\".git".into(),
                    class: "frees",
                    value: 0,
                    track: Some(1 << 20),
                    note: "0 B".into(),
                    tip: "a<b>&\"c\".git: frees 0 B".into(),
                },
            ],
        )
        .unwrap();
        // The axis runs 0 to 4 MiB; the first bar is three quarters of it, its track all of it.
        assert!(
            svg.contains(r#"<text x="876" y="72" class="tick">4.0 MiB</text>"#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="track" x="330" y="11" width="546" height="14"/>"#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="frees" x="330" y="11" width="409.5" height="14"/>"#),
            "{svg}"
        );
        assert!(
            svg.contains(">gitlab/@hashed/6b/8…6b86b2736b86b273.git</text>"),
            "{svg}"
        );
        assert_eq!(clip(&key, LABEL_CHARS).chars().count(), LABEL_CHARS);
        assert_eq!(clip("short.git", LABEL_CHARS), "short.git");
        assert!(svg.contains(&format!("<title>{key}: frees 3.0 MiB</title>")));
        assert!(svg.contains(">a&lt;b&gt;&amp;&quot;c&quot;.git</text>"), "{svg}");
        assert!(!svg.contains("a<b>"));
        assert_eq!(bars("nothing", &[]), None);
    }

    #[test]
    fn month_labels_thin_out_to_januaries() {
        let periods: Vec<String> = (0..240)
            .map(|i| format!("{}-{:02}", 2005 + i / 12, i % 12 + 1))
            .collect();
        let plot = Plot {
            left: 0.0,
            top_px: 0.0,
            width: 100.0,
            height: 100.0,
            periods: periods.len(),
            top: 1.0,
        };
        let labels = plot.time_labels(&periods, false, 10);
        assert_eq!(
            labels.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
            [
                "2006", "2008", "2010", "2012", "2014", "2016", "2018", "2020", "2022", "2024"
            ]
        );
        let labels = plot.time_labels(&periods[..8], false, 10);
        assert_eq!(labels.len(), 8);
    }
}
