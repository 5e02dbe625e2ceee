mod cli;
mod history;
mod hooks;
mod policy;
mod ranges;
mod rules;
mod scan;
mod util;
