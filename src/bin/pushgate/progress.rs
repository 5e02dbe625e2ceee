//! Progress bars on standard error for long runs (the audit, whole-history scans): commits
//! walked, blobs read and their bytes, with rate and ETA, then a bar for the steps that read
//! the history after the walk. Sizes in the report's units (KiB, MiB, GiB), rates in whole
//! numbers. Drawn only when standard error is a terminal (or when asked for), never inside
//! hooks.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use pushgate::util::human_size;

use crate::cli::ProgressArg;

/// Commits walked, of those found so far.
pub const COMMITS: &str = "{prefix:>8} {bar:30} {human_pos}/{human_len} ({count_rate}, ETA {eta})";
/// Blobs read.
pub const BLOBS: &str = "{prefix:>8} {human_pos} ({count_rate})";
/// Bytes read.
pub const BYTES: &str = "{prefix:>8} {size} ({size_rate})";
/// The steps of a phase after the walk.
pub const STEPS: &str = "{prefix:>8} {bar:30} {pos}/{len} {msg} ({elapsed})";

/// `1234/s`: a count per second, in whole numbers.
pub fn count_rate(per_sec: f64) -> String {
    format!("{:.0}/s", finite(per_sec))
}

/// `13 MiB/s`: bytes per second in the report's units, in whole numbers.
pub fn size_rate(per_sec: f64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = finite(per_sec);
    if value < 1024.0 {
        return format!("{value:.0} B/s");
    }
    let mut unit = 0;
    value /= 1024.0;
    // A value that rounds to 1024 is the next unit's 1.
    while value.round() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.0} {}/s", UNITS.get(unit).unwrap_or(&"EiB"))
}

fn finite(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

/// A style with the keys the templates use.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("count_rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&count_rate(s.per_sec()));
        })
        .with_key("size", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&human_size(s.pos()));
        })
        .with_key("size_rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&size_rate(s.per_sec()));
        })
}

/// The bars of one run; every method is a no-op when nothing is drawn. Shared by the walk and
/// the threads that read blobs.
#[derive(Debug, Default)]
pub struct Bars {
    bars: Option<Drawn>,
}

#[derive(Debug)]
struct Drawn {
    multi: MultiProgress,
    commits: ProgressBar,
    blobs: ProgressBar,
    bytes: ProgressBar,
    /// The steps after the walk, once they start.
    steps: OnceLock<ProgressBar>,
}

impl Bars {
    /// Bars drawn on standard error per `--progress`.
    pub fn new(when: ProgressArg) -> Self {
        let target = match when {
            ProgressArg::Never => return Bars::default(),
            ProgressArg::Auto if !std::io::stderr().is_terminal() => return Bars::default(),
            ProgressArg::Auto => ProgressDrawTarget::stderr_with_hz(10),
            // A pipe is no terminal: draw through a plain writer that does not check.
            ProgressArg::Always => ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10),
        };
        let multi = MultiProgress::with_draw_target(target);
        let commits = multi.add(ProgressBar::new(0).with_style(style(COMMITS)));
        commits.set_prefix("commits");
        let blobs = multi.add(ProgressBar::no_length().with_style(style(BLOBS)));
        blobs.set_prefix("blobs");
        let bytes = multi.add(ProgressBar::no_length().with_style(style(BYTES)));
        bytes.set_prefix("bytes");
        for bar in [&commits, &blobs, &bytes] {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Bars {
            bars: Some(Drawn {
                multi,
                commits,
                blobs,
                bytes,
                steps: OnceLock::new(),
            }),
        }
    }
}

impl pushgate::progress::Progress for Bars {
    /// `n` more commits to walk.
    fn add_commits(&self, n: u64) {
        if let Some(bars) = &self.bars {
            bars.commits.inc_length(n);
        }
    }

    /// One commit walked.
    fn commit(&self) {
        if let Some(bars) = &self.bars {
            bars.commits.inc(1);
        }
    }

    /// One blob read, of `bytes` bytes.
    fn blob(&self, bytes: u64) {
        if let Some(bars) = &self.bars {
            bars.blobs.inc(1);
            bars.bytes.inc(bytes);
        }
    }

    /// A message above the bars.
    fn phase(&self, message: &str) {
        if let Some(bars) = &self.bars {
            let _ = bars.multi.println(message);
        }
    }

    /// The phase after the walk: `steps` steps under `prefix`, the first one `message`.
    fn steps(&self, prefix: &str, steps: u64, message: &str) {
        if let Some(bars) = &self.bars {
            // The walk is over: show its tally, however short it was beside the redraw interval.
            if bars.steps.get().is_none() {
                for bar in [&bars.commits, &bars.blobs, &bars.bytes] {
                    bar.force_draw();
                }
            }
            let bar = bars.steps.get_or_init(|| {
                let bar = bars.multi.add(ProgressBar::new(steps).with_style(style(STEPS)));
                bar.enable_steady_tick(Duration::from_millis(200));
                bar
            });
            bar.set_prefix(prefix.to_owned());
            bar.set_length(steps);
            bar.set_position(0);
            bar.set_message(message.to_owned());
            // A step can be shorter than the redraw interval: show each one at least once.
            bar.force_draw();
        }
    }

    /// One step of the phase done; the next is `message`.
    fn step(&self, message: &str) {
        if let Some(bar) = self.bars.as_ref().and_then(|b| b.steps.get()) {
            bar.inc(1);
            bar.set_message(message.to_owned());
            bar.force_draw();
        }
    }

    /// Remove the bars.
    fn finish(&self) {
        if let Some(bars) = &self.bars {
            for bar in [&bars.commits, &bars.blobs, &bars.bytes]
                .into_iter()
                .chain(bars.steps.get())
            {
                bar.finish_and_clear();
            }
            let _ = bars.multi.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_whole_numbers_in_the_reports_units() {
        assert_eq!(count_rate(0.0), "0/s");
        assert_eq!(count_rate(1234.5678), "1235/s");
        assert_eq!(count_rate(f64::NAN), "0/s");
        assert_eq!(size_rate(512.4), "512 B/s");
        assert_eq!(size_rate(13.4 * 1024.0 * 1024.0), "13 MiB/s");
        assert_eq!(size_rate(1536.0), "2 KiB/s");
        assert_eq!(size_rate(1023.9 * 1024.0), "1 MiB/s");
        assert_eq!(size_rate(3.0 * 1024.0 * 1024.0 * 1024.0), "3 GiB/s");
        assert_eq!(size_rate(f64::INFINITY), "0 B/s");
    }

    #[test]
    fn templates_use_the_reports_units() {
        for template in [COMMITS, BLOBS, BYTES, STEPS] {
            assert!(!template.contains("per_sec"), "{template}: fractional rates");
            assert!(!template.contains("decimal_bytes"), "{template}: kB/MB");
            assert!(
                !template.contains("binary_bytes"),
                "{template}: not the report's format"
            );
            ProgressStyle::with_template(template).expect("a valid template");
        }
        assert!(BYTES.contains("{size}") && BYTES.contains("{size_rate}"));
        assert!(COMMITS.contains("{count_rate}") && BLOBS.contains("{count_rate}"));
    }
}
