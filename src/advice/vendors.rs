//! Vendor and service names that no first step and nothing in the neutral wording names: the
//! one list the unit tests of [`advice`](super) and the integration tests of every output
//! check against (they include this file by its path).

/// The names.
pub(crate) const VENDORS: [&str; 9] = [
    "Amazon",
    "AWS",
    "DynamoDB",
    "S3",
    "Glacier",
    "CloudTrail",
    "CloudWatch",
    "EBS",
    "EFS",
];
