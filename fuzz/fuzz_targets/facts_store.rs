//! The facts store's file: any bytes decode or are refused, never panic; what decodes writes
//! back as a store that reads back the same. Each input is also tried as a plain payload
//! behind a header and checksum that check out, so the payload decoder is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pushgate::history::store::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let hash = gix::hash::Kind::Sha1;
    let mut candidates = vec![data.to_vec()];
    // The same bytes as a plain payload behind a header that checks out.
    let mut forged = Vec::new();
    forged.extend_from_slice(b"PGFACTS\0");
    forged.extend_from_slice(&pushgate::history::store::FORMAT.to_le_bytes());
    forged.extend_from_slice(&[1, 0, 0, 0]);
    forged.extend_from_slice(&(data.len() as u64).to_le_bytes());
    forged.extend_from_slice(&(data.len() as u64).to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&forged);
    crc.update(data);
    forged.extend_from_slice(&crc.finalize().to_le_bytes());
    forged.extend_from_slice(data);
    candidates.push(forged);
    for bytes in candidates {
        if let Ok(stored) = decode(&bytes, hash) {
            let again = encode(&stored);
            let back = decode(&again, hash).expect("what was written reads back");
            assert_eq!(encode(&back), again);
        }
    }
});
