//! Commit messages folded to their template, so that the commits of one job compare equal
//! whatever the run wrote into them: numbers, counters, dates and times in any common form
//! (ISO 8601, RFC 2822, the output of `date` with weekday and month names, time zones), hex
//! ids, emojis, and the data-diff summaries scrapers write (`3 rows added, 1 removed`).
//!
//! Only the first line counts: jobs put their payload (JSON summaries, file lists) below it.

/// Weekday and month names (English, Spanish, Portuguese, French, German, Italian, and their
/// common abbreviations), time zones and clock words: parts of a date, folded like numbers.
const DATE_WORDS: &[&str] = &[
    // weekdays
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
    "segunda",
    "terça",
    "quarta",
    "quinta",
    "sexta",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    // months
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "octobre",
    "novembre",
    "décembre",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    // zones and clock words
    "utc",
    "gmt",
    "z",
    "cet",
    "cest",
    "eet",
    "eest",
    "wet",
    "west",
    "bst",
    "ist",
    "jst",
    "kst",
    "est",
    "edt",
    "cst",
    "cdt",
    "mst",
    "mdt",
    "pst",
    "pdt",
    "akst",
    "akdt",
    "hst",
    "aest",
    "aedt",
    "acst",
    "awst",
    "nzst",
    "nzdt",
    "msk",
    "am",
    "pm",
];

/// Words of a data-diff summary (`1 row changed`, `3 rows added, 1 removed`).
const DIFF_NOUNS: &[&str] = &[
    "row", "rows", "line", "lines", "record", "records", "item", "items", "entry", "entries", "feature", "features",
    "file", "files", "change", "changes", "and", "new",
];

/// Verbs that make a run of diff nouns and numbers a data-diff summary.
const DIFF_VERBS: &[&str] = &[
    "changed", "added", "removed", "deleted", "updated", "inserted", "modified",
];

/// Bytes of a first line read at most (a bound on the work, far beyond any subject).
const MAX_LINE: usize = 64 * 1024;

/// Words and numbers of a template at most.
const MAX_TOKENS: usize = 48;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Num,
    Sep(char),
}

/// The template of a commit message: its first line, lower-cased, with everything a run
/// varies folded to `#`, emojis dropped, and data-diff summaries folded to `# data-diff`.
///
/// `Latest data: Sat Mar  4 05:09:26 UTC 2023` → `latest data: #`,
/// `3 rows added, 1 row removed` → `# data-diff`.
pub fn template(message: &[u8]) -> String {
    let line = message
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or_default();
    // A job's multi-kilobyte line is still one template: only its first words count, however
    // wide the numbers among them (a byte limit would cut words where the numbers end).
    let line = line.get(..line.len().min(MAX_LINE)).unwrap_or(line);
    let text = String::from_utf8_lossy(line).to_lowercase();
    let tokens = tokenize(&text);
    let words: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    if is_release(&text) {
        return RELEASE.to_owned();
    }
    let diff = !words.is_empty()
        && words.iter().any(|w| DIFF_VERBS.contains(w))
        && words.iter().all(|w| DIFF_VERBS.contains(w) || DIFF_NOUNS.contains(w));
    if diff {
        return "# data-diff".to_owned();
    }
    render(&tokens)
}

/// The template of a release commit's subject (`Git 2.45.1`, `v1.2.3`, `Release 1.2.3-rc1`).
pub(crate) const RELEASE: &str = "# release";

/// Whether a subject names a release and nothing else: at most one word, then a version
/// with at least two parts (`2.45`, `v1.7.10.1`, `1.2.3-rc1`).
fn is_release(subject: &str) -> bool {
    let parts: Vec<&str> = subject.split_whitespace().collect();
    let version = match parts.as_slice() {
        [v] => v,
        [word, v] if word.chars().all(|c| c.is_alphabetic() || c == '-' || c == ':') => v,
        _ => return false,
    };
    let version = version.strip_prefix('v').unwrap_or(version);
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let mut numbers = core.split('.');
    let count = core.split('.').count();
    count >= 2 && numbers.all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The words of a template (its `#`s and punctuation left out).
pub fn words(template: &str) -> impl Iterator<Item = &str> {
    template
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.is_empty() && *w != "#")
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let has_digit = word.chars().any(|c| c.is_ascii_digit());
        let hexish = word.len() >= 7 && word.chars().all(|c| c.is_ascii_hexdigit());
        if has_digit || hexish || DATE_WORDS.contains(&word.as_str()) {
            tokens.push(Token::Num);
        } else {
            tokens.push(Token::Word(std::mem::take(word)));
        }
        word.clear();
    };
    for c in text.chars() {
        let parts = tokens.iter().filter(|t| !matches!(t, Token::Sep(_))).count();
        if parts >= MAX_TOKENS {
            word.clear();
            break;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut tokens);
            // Emojis, symbols and other marks carry no template: status monitors vary them
            // with the state they report, which the words say too.
            if c.is_ascii_punctuation() || c.is_whitespace() {
                tokens.push(Token::Sep(if c.is_whitespace() { ' ' } else { c }));
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// Tokens back to text, with runs of folded parts joined by separators (`05:09:26 utc 2023`,
/// `2024-01-01t10:00:00z`) made one `#`, and spaces collapsed.
fn render(tokens: &[Token]) -> String {
    let mut out: Vec<&Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if *token == Token::Num {
            // Drop the separators between this and an earlier `#`, and this `#` with them.
            let mut k = out.len();
            while k > 0 && matches!(out.get(k - 1), Some(Token::Sep(c)) if joins_dates(*c)) {
                k -= 1;
            }
            if k > 0 && out.get(k - 1) == Some(&&Token::Num) {
                out.truncate(k);
                continue;
            }
        }
        out.push(token);
    }
    let mut text = String::with_capacity(out.len() * 4);
    for token in out {
        match token {
            Token::Word(w) => text.push_str(w),
            Token::Num => text.push('#'),
            Token::Sep(' ') => {
                if !text.ends_with(' ') && !text.is_empty() {
                    text.push(' ');
                }
            }
            Token::Sep(c) => text.push(*c),
        }
    }
    text.trim().to_owned()
}

/// Separators found inside dates and times.
fn joins_dates(c: char) -> bool {
    matches!(c, ' ' | '-' | ':' | '.' | '/' | '+' | ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_numbers_fold_in_every_common_form() {
        for m in [
            "Latest data: Sat Mar  4 05:09:26 UTC 2023",
            "Latest data: 2024-01-01T10:00:00Z",
            "Latest data: Mon, 02 Jan 2006 15:04:05 -0700",
            "Latest data: 1704067200",
            "Latest data: 2024-03-09 23:00:00 +01:00",
        ] {
            assert_eq!(template(m.as_bytes()), "latest data: #", "{m}");
        }
        assert_eq!(template(b"Sat Mar 14 05:09:26 UTC 2026"), "#");
        assert_eq!(template(b"resultados 14 julio"), "resultados #");
        assert_eq!(template(b"Bump serde from 1.0.1 to 1.0.2"), "bump serde from # to #");
        assert_eq!(template(b"sync 3f2a1b9c0d"), "sync #");
        assert_ne!(template(b"Fix the parser"), template(b"Fix the lexer"));
    }

    #[test]
    fn release_subjects_are_one_template() {
        for m in [
            "Git 2.45.1",
            "Git 2.45-rc0",
            "v1.2.3",
            "Release 1.2.3",
            "Releasing 0.27.2",
            "1.7.10.1",
        ] {
            assert_eq!(template(m.as_bytes()), RELEASE, "{m}");
        }
        for m in [
            "Fix 1.2 regression in the parser",
            "Latest data: 2024-01-01",
            "Update README.md",
        ] {
            assert_ne!(template(m.as_bytes()), RELEASE, "{m}");
        }
    }

    #[test]
    fn data_diff_summaries_are_one_template() {
        for m in [
            "1 row changed",
            "3 rows added, 1 row removed",
            "2 rows changed, 5 rows added",
            "12 rows removed",
            "1 row changed, 1 row added, 1 row removed",
        ] {
            assert_eq!(template(m.as_bytes()), "# data-diff", "{m}");
        }
        assert_ne!(template(b"Add the new file"), "# data-diff");
    }

    #[test]
    fn emojis_and_payloads_do_not_count() {
        assert_eq!(
            template("🟩 Shop is up (200 in 312 ms) [skip ci]".as_bytes()),
            template("🟥 Shop is up (500 in 0 ms) [skip ci]".as_bytes())
        );
        assert_eq!(
            template(b"Flat: latest data (2021-07-01T00:00:00.000Z)\n{\"date\": 1, \"files\": []}"),
            "flat: latest data (#)"
        );
        assert_eq!(
            template(b"\n\n  \nsecond line is the subject"),
            "second line is the subject"
        );
        assert_eq!(words("latest data: #").collect::<Vec<_>>(), ["latest", "data"]);
    }
}
