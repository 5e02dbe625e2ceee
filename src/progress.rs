//! Progress bars on standard error for long runs (the audit, whole-history scans): commits
//! walked, blobs read and their bytes, with rate and ETA. Drawn only when standard error is a
//! terminal (or when asked for), never inside hooks.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// When to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    /// When standard error is a terminal.
    #[default]
    Auto,
    /// Always (also into a pipe or file).
    Always,
    /// Never.
    Never,
}

/// The bars of one run; every method is a no-op when nothing is drawn. Shared by the walk and
/// the threads that read blobs.
#[derive(Debug, Default)]
pub struct Progress {
    bars: Option<Bars>,
}

#[derive(Debug)]
struct Bars {
    multi: MultiProgress,
    commits: ProgressBar,
    blobs: ProgressBar,
    bytes: ProgressBar,
}

impl Progress {
    /// Bars drawn on standard error per `when`.
    pub fn new(when: When) -> Self {
        let target = match when {
            When::Never => return Progress::default(),
            When::Auto if !std::io::stderr().is_terminal() => return Progress::default(),
            When::Auto => ProgressDrawTarget::stderr_with_hz(10),
            // A pipe is no terminal: draw through a plain writer that does not check.
            When::Always => ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 10),
        };
        let multi = MultiProgress::with_draw_target(target);
        let style =
            |template: &str| ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        let commits = multi.add(ProgressBar::new(0).with_style(style(
            "{prefix:>8} {bar:30} {human_pos}/{human_len} ({per_sec}, ETA {eta})",
        )));
        commits.set_prefix("commits");
        let blobs = multi.add(ProgressBar::no_length().with_style(style("{prefix:>8} {human_pos} ({per_sec})")));
        blobs.set_prefix("blobs");
        let bytes = multi
            .add(ProgressBar::no_length().with_style(style("{prefix:>8} {decimal_bytes} ({decimal_bytes_per_sec})")));
        bytes.set_prefix("bytes");
        for bar in [&commits, &blobs, &bytes] {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            bars: Some(Bars {
                multi,
                commits,
                blobs,
                bytes,
            }),
        }
    }

    /// Whether anything is drawn.
    pub fn is_drawn(&self) -> bool {
        self.bars.is_some()
    }

    /// `n` more commits to walk.
    pub fn add_commits(&self, n: u64) {
        if let Some(bars) = &self.bars {
            bars.commits.inc_length(n);
        }
    }

    /// One commit walked.
    pub fn commit(&self) {
        if let Some(bars) = &self.bars {
            bars.commits.inc(1);
        }
    }

    /// One blob read, of `bytes` bytes.
    pub fn blob(&self, bytes: u64) {
        if let Some(bars) = &self.bars {
            bars.blobs.inc(1);
            bars.bytes.inc(bytes);
        }
    }

    /// A message above the bars (a phase that has no bar of its own).
    pub fn phase(&self, message: &str) {
        if let Some(bars) = &self.bars {
            let _ = bars.multi.println(message);
        }
    }

    /// Remove the bars.
    pub fn finish(&self) {
        if let Some(bars) = &self.bars {
            for bar in [&bars.commits, &bars.blobs, &bars.bytes] {
                bar.finish_and_clear();
            }
            let _ = bars.multi.clear();
        }
    }
}
