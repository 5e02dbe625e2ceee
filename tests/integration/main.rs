mod cli;
mod policy;
mod ranges;
mod rules;
mod scan;
mod util;
