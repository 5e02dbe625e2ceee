//! `pushgate man` and `pushgate completions`: pages and scripts made from the command line's
//! own definition.

use std::io::{self, Write};

use pushgate::Error;

/// The manual page of `command` (a subcommand's name; `None`: the main page) to `out`.
pub fn man(command: Option<&str>, out: &mut dyn Write) -> Result<(), Error> {
    let mut cmd = crate::cli::command();
    // Built, subcommands have their full names (`pushgate-scan`) and the common options.
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect();
            let sub = cmd
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| Error::Usage(format!("no subcommand `{name}`; choose from: {}", names.join(", "))))?;
            sub.version(env!("CARGO_PKG_VERSION"))
        }
    };
    Ok(man_page(page, out)?)
}

/// The completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut crate::cli::command(), "pushgate", out);
}

/// The manual page, with an EXIT STATUS section before the version.
fn man_page(page: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let options = page.get_arguments().any(|a| !a.is_hide_set());
    let subcommands = page.get_subcommands().any(|c| !c.is_hide_set());
    let extra = page.get_after_long_help().is_some() || page.get_after_help().is_some();
    let man = clap_mangen::Man::new(page);
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if options {
        man.render_options_section(out)?;
    }
    if subcommands {
        man.render_subcommands_section(out)?;
    }
    out.write_all(
        concat!(
            ".SH \"EXIT STATUS\"\n",
            ".TP\n0\nNothing at a failing level (or mode = \"evaluate\").\n",
            ".TP\n1\nFindings at a failing level: the check, push or commit fails (also [ci] on_shallow = \"fail\" when a shallow CI clone lacks commits of the range).\n",
            ".TP\n2\nA usage error (an unknown or inapplicable option, a bad revision) or an invalid policy or baseline file.\n",
            ".TP\n3\nThe repository could not be read, or an internal error.\n",
        )
        .as_bytes(),
    )?;
    if extra {
        man.render_extra_section(out)?;
    }
    man.render_version_section(out)
}
