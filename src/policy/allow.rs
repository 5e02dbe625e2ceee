//! `[[allow]]` exemptions: dropping the findings a team has accepted, and saying when an
//! exemption has expired or no longer matches anything.

use super::Policy;
use crate::finding::{Finding, Notice};

/// A calendar date (year, month, day), the unit of `expires`.
pub type Date = (u16, u8, u8);

/// Today's date in UTC.
pub fn today() -> Date {
    let date = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    (
        u16::try_from(date.year()).unwrap_or(u16::MAX),
        u8::try_from(date.month()).unwrap_or(12),
        u8::try_from(date.day()).unwrap_or(31),
    )
}

impl Policy {
    /// Remove the findings that an active exemption covers; return notices for exemptions that
    /// have expired or matched nothing.
    pub fn apply_exemptions(&self, findings: &mut Vec<Finding>, today: Date) -> Vec<Notice> {
        let allows = &self.file.allow;
        let mut used = vec![false; allows.len()];
        let is_expired = |a: &super::schema::Allow| {
            a.expires
                .and_then(|e| e.date)
                .is_some_and(|d| (d.year, d.month, d.day) < today)
        };
        findings.retain(|f| {
            let covering = allows.iter().enumerate().find(|(_, a)| {
                !is_expired(a)
                    && (a.rules.is_empty() || a.rules.contains(&f.rule))
                    && (a.paths.is_empty() || f.path.as_ref().is_some_and(|p| a.paths.is_match(p)))
                    && a.blob
                        .as_ref()
                        .is_none_or(|b| f.blob.is_some() && gix::ObjectId::from_hex(b.as_bytes()).ok() == f.blob)
            });
            match covering {
                Some((i, _)) => {
                    if let Some(used) = used.get_mut(i) {
                        *used = true;
                    }
                    false
                }
                None => true,
            }
        });
        let mut notices = Vec::new();
        for (i, (allow, used)) in allows.iter().zip(used).enumerate() {
            let what = format!(
                "exemption #{} ({})",
                i + 1,
                crate::util::sanitize(allow.reason.as_bytes())
            );
            if is_expired(allow) {
                let date = allow.expires.map(|e| e.to_string()).unwrap_or_default();
                notices.push(Notice {
                    kind: "expired-exemption",
                    message: format!("{what} expired on {date} and no longer applies"),
                    path: None,
                    blob: allow.blob.clone(),
                });
            } else if !used {
                notices.push(Notice {
                    kind: "unused-exemption",
                    message: format!("{what} matched no finding; remove it if it is no longer needed"),
                    path: None,
                    blob: allow.blob.clone(),
                });
            }
        }
        notices
    }
}
