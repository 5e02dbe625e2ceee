//! Where a report goes and how it looks there: standard output or `--output FILE`, colours
//! (`--color`, NO_COLOR, whether it is a terminal) and the width text wraps at.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use pushgate::report::{MIN_WIDTH, TEXT_WIDTH};

use crate::cli::{ColorArg, Common};

/// The report's destination. A file is created at the first write (or the final flush), so
/// a command that fails before it reports leaves none behind.
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// `--output FILE`.
    File {
        /// The file.
        path: PathBuf,
        /// Once created.
        file: Option<BufWriter<File>>,
    },
}

impl Output {
    /// Where `common` sends reports.
    pub fn new(common: &Common) -> Output {
        match &common.output {
            Some(path) => Output::File {
                path: path.clone(),
                file: None,
            },
            None => Output::Stdout(BufWriter::new(io::stdout())),
        }
    }

    /// Whether to colour the report: `--color always`, or `auto` on a terminal without
    /// NO_COLOR; never into a file unless asked.
    pub fn color(&self, common: &Common) -> bool {
        match (common.color, self) {
            (ColorArg::Always, _) => true,
            (ColorArg::Never, _) | (ColorArg::Auto, Output::File { .. }) => false,
            (ColorArg::Auto, Output::Stdout(_)) => !no_color() && io::stdout().is_terminal(),
        }
    }

    /// The width text wraps at: the terminal's (never under [`MIN_WIDTH`]), else [`TEXT_WIDTH`].
    pub fn width(&self) -> usize {
        console::Term::stdout()
            .size_checked()
            .map_or(TEXT_WIDTH, |(_, cols)| usize::from(cols).max(MIN_WIDTH))
    }

    fn file(&mut self) -> io::Result<&mut dyn Write> {
        match self {
            Output::Stdout(out) => Ok(out),
            Output::File { path, file } => {
                if let Some(file) = file {
                    return Ok(file);
                }
                let created = File::create(&*path).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot write the report to {}: {e}", path.display()))
                })?;
                Ok(file.insert(BufWriter::new(created)))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

/// Whether NO_COLOR asks for no colours.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether the pre-push hook's answer on standard error gets colours.
pub fn stderr_color(common: &Common) -> bool {
    match common.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => !no_color() && io::stderr().is_terminal(),
    }
}
