mod cli;
mod policy;
mod scan;
mod util;
