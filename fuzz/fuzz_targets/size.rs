//! Policy sizes: any text parses or is refused; what parses prints as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::policy::Size;

fuzz_target!(|text: &str| {
    if let Ok(size) = text.parse::<Size>() {
        assert_eq!(size.to_string().parse::<Size>(), Ok(size));
    }
});
