mod ci;
mod cli;
mod formats;
mod policy;
mod ranges;
mod rules;
mod scan;
mod util;
