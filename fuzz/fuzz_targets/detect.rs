//! Content sniffing: any prefix, with any claimed size, is classified without panicking, and
//! the format `sniff` reports is the one `identify` gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::detect::{identify, sniff};

fuzz_target!(|input: (Option<u64>, &[u8])| {
    let (size, prefix) = input;
    let sniffed = sniff(prefix, size);
    assert_eq!(sniffed.format, identify(prefix, size));
    if let Some(format) = sniffed.format {
        assert!(!format.name().is_empty());
        let _ = format.class();
    }
});
