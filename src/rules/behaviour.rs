//! Behaviour rules: what a job writes, read from the [history model](crate::history), grouped
//! into subjects, one finding per subject and rule.
//!
//! A subject is what a job or engine writes as one thing:
//! - a database engine's data directory (LevelDB/RocksDB, WiredTiger), by its layout and content;
//! - a directory a job snapshots wholesale (a server folder committed every half hour);
//! - a dated or counted series of copies (`2023/2023-04/db-2023-04-03.db`, `backup2016101412.tgz`);
//! - files of one role that a job rewrites (`status/*.yml`, `feeds/stations.geojson`).
//!
//! The content kind of what is written decides the pattern ([`Kind::pattern`]): structured
//! data and database files are `database`, records, logs and rendered output `audit-trail`,
//! dumps, archives and opaque snapshots `backup`. Being written by a job is never misuse on its
//! own: lock files, manifests, CI configuration and changelogs are never a subject.

use std::collections::{BTreeMap, HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

pub(crate) use super::{Analysis, Input, Subject, version_size};
use super::{Hit, RuleId, paths};
use crate::candidate::Kind;
use crate::detect::{FormatClass, Sniff};
use crate::history::cadence::{date, span};
use crate::history::{CommitSet, DAY, Model, Read, busiest};
use crate::outcome::{Level, Pattern};
use crate::repo::RepoError;
use crate::util::fold_digits;

/// Spreadsheets, feeds, calendars, tracks and the files of data-science tools are data too.
const SPREADSHEETS: &[&str] = &[
    "xlsx", "xls", "xlsm", "ods", "numbers", "gpx", "topojson", "ics", "rss", "atom", "pkl", "pickle", "npy", "npz",
    "h5", "hdf5", "feather", "arrow", "rds", "rda", "dta", "sav",
];

/// Rendered output: documents, pages and images a job regenerates.
const RENDERED: &[&str] = &[
    "md", "markdown", "rst", "txt", "html", "htm", "svg", "png", "jpg", "jpeg", "gif", "webp", "pdf", "ps", "eps",
];

/// What `path` is, from the per-blob rules' hits at warn or deny, its content and its name;
/// `None` for what is never a behaviour subject (source code, lock files, manifests, CI
/// configuration, changelogs, translations).
pub(crate) fn kind_of(path: &BStr, name: &BStr, hits: &[Hit], sniff: Option<&Sniff>) -> Option<Kind> {
    if paths::is_lockfile(name)
        || paths::is_tool_config(path)
        || paths::is_release_notes(path)
        || paths::is_manifest(name)
        || paths::is_translation(path)
    {
        return None;
    }
    let by_hit = hits
        .iter()
        .filter(|h| h.level > Level::Info)
        .find_map(|h| match h.rule {
            RuleId::DatabaseFile => Some(Kind::Database),
            RuleId::DatabaseDump => Some(Kind::Dump),
            RuleId::ArchiveBackup | RuleId::BackupFile => Some(Kind::Archive),
            RuleId::DiskImage => Some(Kind::DiskImage),
            RuleId::LogFile | RuleId::AuditRecord => Some(Kind::Log),
            _ => None,
        });
    if by_hit.is_some() {
        return by_hit;
    }
    let by_format = sniff.and_then(|s| s.format).and_then(|f| match f.class() {
        FormatClass::Database => Some(Kind::Database),
        FormatClass::Dump => Some(Kind::Dump),
        FormatClass::Archive => Some(Kind::Archive),
        FormatClass::DiskImage => Some(Kind::DiskImage),
        FormatClass::EventCapture => Some(Kind::Log),
        FormatClass::CompiledBinary => Some(Kind::Rendered),
        FormatClass::LfsPointer => None,
    });
    if by_format.is_some() {
        return by_format;
    }
    // A log by its lines, whatever its name (`log.ini`, `run.cfg`).
    if sniff.is_some_and(|s| s.leveled_log) && !paths::is_structured_data(name) {
        return Some(Kind::Log);
    }
    // A data set a script assigns for a page to load (`data.js`) is data, though its name is code's.
    if sniff.is_some_and(|s| s.json_assignment) && paths::is_source_code(name) {
        return Some(Kind::Data);
    }
    // YAML is data, unless it reads as a status record.
    let kind = kind_by_name(name, sniff.map(|s| s.binary));
    if kind == Some(Kind::Data) && sniff.is_some_and(|s| s.status_record) {
        return Some(Kind::Record);
    }
    kind_by_role(kind, sniff)
}

/// The kind a file's content gives it where its name says little: JSON badges are rendered
/// output (what a monitor draws), text of one record a line in an extension no list knows
/// (`*.cidr`, `*.lst`, `*.hosts`) is data.
fn kind_by_role(kind: Option<Kind>, sniff: Option<&Sniff>) -> Option<Kind> {
    match (kind, sniff) {
        (Some(Kind::Data), Some(s)) if s.badge => Some(Kind::Rendered),
        (Some(Kind::Text), Some(s)) if s.line_records => Some(Kind::Data),
        _ => kind,
    }
}

/// Files of one extension in one folder are one role: text files beside ones that read as one
/// record a line are records too (a list a job fetches may hold a single line).
fn records_by_folder(kinds: &mut HashMap<BString, Kind>) {
    let mut data: HashSet<(BString, Option<String>)> = HashSet::new();
    let key = |path: &BStr| {
        let (dir, name) = crate::util::split_path(path);
        (dir.to_owned(), paths::extension(name))
    };
    for (path, kind) in kinds.iter() {
        let (dir, ext) = key(path.as_bstr());
        // Only extensions no list knows can read as records (see [`kind_by_role`]).
        let unknown = kind_by_name(crate::util::split_path(path.as_bstr()).1, Some(false)) == Some(Kind::Text);
        if *kind == Kind::Data && unknown && ext.is_some() {
            data.insert((dir, ext));
        }
    }
    if data.is_empty() {
        return;
    }
    for (path, kind) in kinds.iter_mut() {
        if *kind == Kind::Text && data.contains(&key(path.as_bstr())) {
            *kind = Kind::Data;
        }
    }
}

/// What a file is by its name alone (and whether it is binary, when known).
pub(crate) fn kind_by_name(name: &BStr, binary: Option<bool>) -> Option<Kind> {
    let ext = paths::extension(name);
    match ext.as_deref() {
        Some(e) if SPREADSHEETS.contains(&e) => return Some(Kind::Data),
        _ if paths::is_structured_data(name) => return Some(Kind::Data),
        Some(e) if RENDERED.contains(&e) => return Some(Kind::Rendered),
        Some("log") => return Some(Kind::Log),
        _ => {}
    }
    if paths::is_source_code(name) {
        return None;
    }
    match binary {
        Some(true) => Some(Kind::Binary),
        Some(false) => Some(Kind::Text),
        None => None,
    }
}

/// One change of a path, with its commit's facts: 16 bytes, as a history of a few hundred
/// thousand changes makes as many of them.
#[derive(Debug, Clone, Copy)]
struct Step {
    commit: u32,
    /// The version left (an index into the model's versions; [`Step::NONE`]: deleted).
    left: u32,
    /// The version replaced ([`Step::NONE`]: added).
    replaced: u32,
    machine: bool,
    /// The commit's message is a job's: it recurs across the history (its template's family is
    /// a job's), as a job's does run after run, or is a variant in the words of the job messages
    /// its identity commits; a person's free text under a job's identity is neither.
    recurring: bool,
}

impl Step {
    /// No version.
    const NONE: u32 = u32::MAX;

    fn of(model: &Model<'_>, carried: &CommitSet, c: &crate::history::Change) -> Option<Step> {
        model.commit(c.commit)?;
        Some(Step {
            commit: c.commit,
            left: c.blob().unwrap_or(Self::NONE),
            replaced: c.previous().unwrap_or(Self::NONE),
            machine: model.jobs.writes(c.commit),
            recurring: carried.contains(c.commit),
        })
    }

    /// The version left (`None`: deleted).
    fn blob(&self) -> Option<u32> {
        (self.left != Self::NONE).then_some(self.left)
    }

    /// The version replaced (`None`: added).
    fn previous(&self) -> Option<u32> {
        (self.replaced != Self::NONE).then_some(self.replaced)
    }

    /// The time of its commit.
    fn time(&self, model: &Model<'_>) -> i64 {
        model.commit(self.commit).map_or(0, |c| c.time)
    }

    /// A write that counts toward a file a job rewrites: a job's commit with a message the job
    /// repeats run after run. The same identity's free-text commits (a person committing under
    /// the bot's name, or the owner's hand edits under the identity the job borrows) are not
    /// the job's writes, whatever the name says.
    fn job_write(&self) -> bool {
        self.machine && self.recurring
    }
}

/// Which commits carry a job's message: per template (by index), whether its family is large
/// enough to be a job's (see [`crate::history::jobs::MIN_FAMILY`]); and, per identity, the
/// words of the job messages it commits, so that a rare variant of them (`Mail is down`
/// beside the job's usual `Mail is up`) is the job's too, while a person's free text under the
/// same identity is not.
///
/// A job that names what it wrote (`🤖: kafka, nginx` for `releases/kafka.json` and
/// `releases/nginx.json`) makes a new template of every list of names; the names come from
/// the files, not from a person, and each name recurs run after run, as the job keeps
/// rewriting the same files. So a message of the identity's job words and names of the files
/// its commit writes, each name in at least [`MIN_FAMILY`](crate::history::jobs::MIN_FAMILY)
/// of the identity's messages, is the job's too. A person's free text names other things
/// (`Tighten the header spacing` for `index.html`), and a person naming the file they edit a
/// few times (`Update README-pt.md`) is no job's run.
struct JobMessages {
    recurring: Vec<bool>,
    vocabulary: HashMap<u32, HashSet<String>>,
    /// Per commit whose message is no job's family but whose identity commits job messages:
    /// the words of the names of the files it writes.
    named: HashMap<u32, HashSet<String>>,
    /// Per identity with job messages: how many of its commits use each word.
    uses: HashMap<u32, HashMap<String, usize>>,
    variants: std::cell::RefCell<HashMap<(u32, u32), bool>>,
}

impl JobMessages {
    fn of(model: &Model<'_>) -> Self {
        let facts = &model.facts;
        let recurring: Vec<bool> = (0..facts.templates.len())
            .map(|t| model.jobs.family_size.get(t).copied().unwrap_or(0) >= crate::history::jobs::MIN_FAMILY)
            .collect();
        let mut pairs: Vec<(u32, u32)> = facts
            .commits
            .iter()
            .filter(|c| !c.merge && recurring.get(c.template as usize).copied().unwrap_or(false))
            .map(|c| (c.identity, c.template))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut vocabulary: HashMap<u32, HashSet<String>> = HashMap::new();
        for (identity, template) in pairs {
            vocabulary
                .entry(identity)
                .or_default()
                .extend(crate::history::message::words(facts.template(template)).map(str::to_owned));
        }
        // The names of the files written by the commits that may name them.
        let mut named: HashMap<u32, HashSet<String>> = facts
            .commits
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !c.merge
                    && vocabulary.contains_key(&c.identity)
                    && !recurring.get(c.template as usize).copied().unwrap_or(false)
            })
            .filter_map(|(i, _)| Some((u32::try_from(i).ok()?, HashSet::new())))
            .collect();
        let mut uses: HashMap<u32, HashMap<String, usize>> = HashMap::new();
        if !named.is_empty() {
            for c in facts
                .commits
                .iter()
                .filter(|c| !c.merge && vocabulary.contains_key(&c.identity))
            {
                let words: HashSet<&str> = crate::history::message::words(facts.template(c.template)).collect();
                let counts = uses.entry(c.identity).or_default();
                for w in words {
                    *counts.entry(w.to_owned()).or_default() += 1;
                }
            }
            for (i, path) in model.paths() {
                let name = crate::util::split_path(path).1.to_str_lossy();
                let stem = name.split_once('.').map_or(&*name, |(stem, _)| stem).to_lowercase();
                for change in model.changes_of(i).filter(|c| c.blob().is_some()) {
                    if let Some(words) = named.get_mut(&change.commit) {
                        words.extend(crate::history::message::words(&stem).map(str::to_owned));
                    }
                }
            }
        }
        JobMessages {
            recurring,
            vocabulary,
            named,
            uses,
            variants: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// Whether commit `i`, with facts `c`, carries a job's message.
    fn carries(&self, model: &Model<'_>, i: u32, c: &crate::history::CommitFacts) -> bool {
        if self.recurring.get(c.template as usize).copied().unwrap_or(false) {
            return true;
        }
        let Some(known) = self.vocabulary.get(&c.identity) else {
            return false;
        };
        let variant = *self
            .variants
            .borrow_mut()
            .entry((c.identity, c.template))
            .or_insert_with(|| {
                let mut words = crate::history::message::words(model.facts.template(c.template)).peekable();
                words.peek().is_some() && words.all(|w| known.contains(w))
            });
        // Else the job's words and the names of what this commit writes, one name at least.
        variant
            || self.named.get(&i).is_some_and(|names| {
                let mut words = crate::history::message::words(model.facts.template(c.template)).peekable();
                let mut any = false;
                words.peek().is_some()
                    && words.all(|w| {
                        let name = names.contains(w)
                            && self
                                .uses
                                .get(&c.identity)
                                .and_then(|u| u.get(w))
                                .is_some_and(|n| *n >= crate::history::jobs::MIN_FAMILY);
                        any |= name;
                        name || known.contains(w)
                    })
                    && any
            })
    }

    /// The commits of the changes of paths `paths` whose messages carry a job's
    /// ([`JobMessages::carries`]), each commit asked once.
    fn carried(&self, model: &Model<'_>, paths: impl IntoIterator<Item = u32>) -> CommitSet {
        let (mut asked, mut carried) = (CommitSet::of(model), CommitSet::of(model));
        for i in paths {
            for c in model.changes_of(i) {
                if asked.insert(c.commit) && model.commit(c.commit).is_some_and(|k| self.carries(model, c.commit, k)) {
                    carried.insert(c.commit);
                }
            }
        }
        carried
    }
}

/// Run the behaviour rules.
pub(crate) fn analyze(input: &Input<'_, '_>) -> Result<Analysis, RepoError> {
    let mut analysis = Analysis::default();
    let reads = reads(input);
    let kinds = path_kinds(input, &reads);
    // Versions are counted for the paths in scope (the findings they can change).
    for (i, path) in input.model.paths().filter(|(_, p)| input.touched.contains_key(*p)) {
        let mut distinct: Vec<u32> = input.model.changes_of(i).filter_map(|c| c.blob()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if !distinct.is_empty() {
            analysis.versions.insert(path.to_owned(), distinct.len());
        }
    }
    let engines = engine_dirs(input, &reads);
    for (dir, engine) in &engines {
        if let Some(subject) = engine_subject(input, dir, engine) {
            analysis.subjects.push(subject);
        }
    }
    analysis.engine_dirs = engines.into_iter().map(|(d, _)| d).collect();
    for (dir, tool) in export_dirs(input) {
        if analysis.engine_dirs.iter().any(|d| dir.starts_with(d.as_slice())) {
            continue;
        }
        if let Some(subject) = export_subject(input, &dir, tool) {
            analysis.subjects.push(subject);
        }
        analysis.engine_dirs.push(dir);
    }
    let in_engine = |p: &BStr| analysis.engine_dirs.iter().any(|d| p.starts_with(d.as_slice()));

    let messages = JobMessages::of(input.model);
    // The steps of every path that can be a subject (whether a commit's message is a job's is
    // asked once per commit), on several threads for a long history.
    let candidates: Vec<(u32, Kind)> = input
        .model
        .paths()
        .filter_map(|(i, path)| Some((i, *kinds.get(path).or(in_engine(path).then_some(&Kind::Database))?)))
        .collect();
    let carried = messages.carried(input.model, candidates.iter().map(|c| c.0));
    let model = input.model;
    let threads = crate::util::threads_for(model.facts.changes.len(), PARALLEL_CHANGES);
    let lists = crate::util::par_map_with(&candidates, threads, || (), |_, &(i, _)| steps_of(model, &carried, i));
    let mut steps: BTreeMap<u32, (Kind, Vec<Step>)> = BTreeMap::new();
    for ((i, kind), list) in candidates.into_iter().zip(lists) {
        if !list.is_empty() {
            steps.insert(i, (kind, list));
        }
    }

    let snapshots = snapshot_dirs(input, &steps);
    for (dir, facts) in &snapshots {
        if let Some(subject) = snapshot_subject(input, dir, facts) {
            analysis.subjects.push(subject);
        }
    }
    let in_snapshot = |p: &BStr| snapshots.iter().any(|(d, _)| p.starts_with(d.as_slice()));

    analysis.subjects.extend(series(input, &steps, &analysis.engine_dirs));

    // Files a job writes as new dated files, one per run (`sales-2023-02-01.csv`): how many
    // share each folded name.
    let mut dated: HashMap<(BString, String), usize> = HashMap::new();
    for (&i, (_, list)) in &steps {
        let path = input.model.path(i);
        let (dir, name) = crate::util::split_path(path);
        let folded = fold_digits(name);
        if paths::has_date_stamp(path) && list.iter().any(|s| s.machine && s.previous().is_none()) {
            *dated.entry((dir.to_owned(), folded)).or_default() += 1;
        }
    }
    // Files of one role a job writes: grouped by directory, extension and kind.
    let mut roles: BTreeMap<(BString, Option<String>, Kind), Vec<u32>> = BTreeMap::new();
    for (&i, (kind, list)) in &steps {
        let path = input.model.path(i);
        let (dir, name) = crate::util::split_path(path);
        let writes = list.iter().filter(|s| s.job_write()).count();
        // A file a job touched once or twice (a `git add -A` sweep) is not what it writes,
        // unless it is one of the new files the job writes each run.
        // (Copies of databases, dumps and archives are the backup series' subject instead.)
        let in_series = !kind.copyable()
            && writes > 0
            && dated
                .get(&(dir.to_owned(), fold_digits(name)))
                .is_some_and(|n| *n >= SERIES_MIN);
        if in_snapshot(path) || in_engine(path) || (writes < MIN_MEMBER_WRITES && !in_series) {
            continue;
        }
        roles
            .entry((dir.to_owned(), paths::extension(name), *kind))
            .or_default()
            .push(i);
    }
    let (touched, untouched): (Vec<Role>, Vec<Role>) = roles
        .into_iter()
        .map(|((dir, ext, kind), members)| (dir, ext, kind, members))
        .partition(|(_, _, _, members)| members.iter().any(|i| input.touched.contains_key(input.model.path(*i))));
    for subject in job_subjects(input, &steps, &touched)? {
        analysis.subjects.push(subject);
    }
    // Files written beside a subject and copies kept are reported only through a path in
    // scope that no subject holds: without one there is nothing more to find. With one, the
    // subjects with no member in scope are worked out too (the model holds only the folders
    // the scope can reach), as what it may be written with: a site a monitor starts watching
    // late is the job's like the folders it has drawn for months. They are not reported.
    let held: HashSet<&BStr> = analysis
        .subjects
        .iter()
        .flat_map(|s| s.members.iter().map(|m| m.as_bstr()))
        .collect();
    let loose = input.touched.keys().any(|p| !held.contains(p.as_bstr()));
    drop(held);
    if loose {
        for subject in job_subjects(input, &steps, &untouched)? {
            analysis.subjects.push(subject);
        }
        let companions = companions(input, &kinds, &analysis.subjects, &analysis.engine_dirs)?;
        analysis.subjects.extend(companions);
        analysis
            .subjects
            .extend(backup_copies(input, &kinds, &analysis.subjects));
    }
    // Only subjects with a member in scope are reported.
    analysis.subjects.retain(|s| s.representative.is_some());
    Ok(analysis)
}

/// What was read of each path: what the model remembers, and the candidates in scope
/// (newer) over it.
fn reads<'i>(input: &'i Input<'_, '_>) -> BTreeMap<&'i BStr, Read> {
    let mut reads: BTreeMap<&BStr, Read> = input.model.reads().map(|(p, r)| (p, *r)).collect();
    for (path, t) in input.touched {
        reads.insert(path.as_bstr(), Read::of(t));
    }
    reads
}

/// The kind of every path the model or the scope knows: from the content when it was read,
/// else from the name, else from the content of read files with the same extension (the
/// other `.db` copies of a series, the other region files of a snapshot).
fn path_kinds(input: &Input<'_, '_>, reads: &BTreeMap<&BStr, Read>) -> HashMap<BString, Kind> {
    let mut by_extension: HashMap<String, Kind> = HashMap::new();
    for (path, read) in reads {
        if let (Some(kind), Some(ext)) = (read.kind, paths::extension(crate::util::split_path(path).1)) {
            by_extension.entry(ext).or_insert(kind);
        }
    }
    let mut kinds: HashMap<BString, Kind> = HashMap::new();
    for (_, path) in input.model.paths() {
        let name = crate::util::split_path(path).1;
        let kind = kind_of(path, name, &[], None).or_else(|| {
            let never = paths::is_source_code(name) || kind_of(path, name, &[], Some(&Sniff::default())).is_none();
            if never {
                return None;
            }
            paths::extension(name).and_then(|e| by_extension.get(&e).copied())
        });
        if let Some(kind) = kind {
            kinds.insert(path.to_owned(), kind);
        }
    }
    for (path, read) in reads {
        match read.kind {
            Some(kind) => kinds.insert((*path).to_owned(), kind),
            None => kinds.remove(*path),
        };
    }
    records_by_folder(&mut kinds);
    kinds
}

/// A member of `members` in scope, the newest touched one.
fn representative<'p>(input: &Input<'_, '_>, members: impl IntoIterator<Item = &'p BStr>) -> Option<BString> {
    members
        .into_iter()
        .filter(|m| input.touched.contains_key(*m))
        .max()
        .map(ToOwned::to_owned)
}

// ---------------------------------------------------------------------------------------
// Engine directories
// ---------------------------------------------------------------------------------------

/// Directories holding a database engine's files, by the layout each engine writes:
/// LevelDB/RocksDB (`CURRENT` beside a `MANIFEST-NNNNNN`), WiredTiger (its metadata or block
/// files, by content), PostgreSQL (`PG_VERSION` beside its configuration), MySQL/InnoDB
/// (`ibdata1`, or redo logs beside `auto.cnf`) and Lucene/Elasticsearch (`segments_N` beside
/// `*.si` segment files).
fn engine_dirs(input: &Input<'_, '_>, reads: &BTreeMap<&BStr, Read>) -> Vec<(BString, &'static str)> {
    let mut names: BTreeMap<BString, Vec<BString>> = BTreeMap::new();
    let all = input
        .model
        .paths()
        .map(|(_, p)| p)
        .chain(input.touched.keys().map(|p| p.as_bstr()));
    for path in all {
        let (dir, name) = crate::util::split_path(path);
        names.entry(dir.to_owned()).or_default().push(name.to_owned());
    }
    // Directories with a WiredTiger file, by content.
    let wiredtiger_dirs: HashSet<&BStr> = reads
        .iter()
        .filter(|(_, r)| r.wiredtiger)
        .map(|(p, _)| crate::util::split_path(p).0)
        .collect();
    let mut found = Vec::new();
    for (dir, list) in names {
        let leveldb = list.iter().any(|n| n == "CURRENT")
            && list.iter().any(|n| {
                n.strip_prefix(b"MANIFEST-")
                    .is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit))
            });
        let prefix = with_slash(dir.as_bstr());
        let wiredtiger = wiredtiger_dirs.contains(dir.as_bstr());
        let has = |name: &str| list.iter().any(|n| n == name);
        let numbered = |prefix: &[u8]| {
            list.iter().any(|n| {
                n.strip_prefix(prefix)
                    .is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_alphanumeric))
            })
        };
        let engine = if leveldb {
            Some("LevelDB")
        } else if wiredtiger {
            Some("WiredTiger")
        } else if has("PG_VERSION") && (has("postgresql.conf") || has("pg_hba.conf") || has("postmaster.opts")) {
            Some("PostgreSQL")
        } else if has("ibdata1") || (has("ib_logfile0") && has("auto.cnf")) {
            Some("MySQL (InnoDB)")
        } else if numbered(b"segments_") && list.iter().any(|n| n.ends_with(b".si")) {
            Some("Lucene")
        } else {
            None
        };
        if let Some(engine) = engine {
            found.push((prefix, engine));
        }
    }
    found.extend(nested_engine_dirs(input));
    // A directory inside another engine directory is part of it.
    let dirs: Vec<BString> = found.iter().map(|(d, _)| d.clone()).collect();
    found.retain(|(d, _)| !dirs.iter().any(|o| o != d && d.starts_with(o.as_slice())));
    found
}

/// Engine directories whose layout spans subdirectories: Prometheus TSDB (blocks named by
/// ULID holding `meta.json` and `index`, or the head's `chunks_head/` beside `wal/`) and
/// InfluxDB (`data/<database>/<retention policy>/<shard>/*.tsm`), each the folder the server
/// was given as its storage.
fn nested_engine_dirs(input: &Input<'_, '_>) -> Vec<(BString, &'static str)> {
    let all: std::collections::BTreeSet<&BStr> = input
        .model
        .paths()
        .map(|(_, p)| p)
        .chain(input.touched.keys().map(|p| p.as_bstr()))
        .collect();
    let mut found: BTreeMap<BString, &'static str> = BTreeMap::new();
    for path in &all {
        let parts: Vec<&[u8]> = path.split_str("/").collect();
        let n = parts.len();
        let root = |up: usize| -> BString {
            let mut r = BString::from(parts.get(..n.saturating_sub(up)).unwrap_or_default().join(&b"/"[..]));
            if !r.is_empty() {
                r.push(b'/');
            }
            r
        };
        let name = parts.last().copied().unwrap_or_default();
        // Prometheus: `<root>/<ULID>/meta.json` beside `<root>/<ULID>/index`.
        if n >= 2 && name == b"meta.json" && parts.get(n - 2).is_some_and(|d| is_ulid(d)) {
            let block = root(1);
            let mut index = block.clone();
            index.extend_from_slice(b"index");
            if all.contains(index.as_bstr()) {
                found.insert(root(2), "Prometheus TSDB");
            }
        }
        // Prometheus: the head's `<root>/chunks_head/NNNNNN` beside `<root>/wal/NNNNNNNN`.
        if n >= 2 && parts.get(n - 2) == Some(&&b"chunks_head"[..]) && is_counter(name) {
            let base = root(2);
            let wal = all.iter().any(|p| {
                p.strip_prefix(base.as_slice())
                    .and_then(|rest| rest.strip_prefix(b"wal/"))
                    .is_some_and(is_counter)
            });
            if wal {
                found.insert(base, "Prometheus TSDB");
            }
        }
        // InfluxDB: `<root>/data/<database>/<retention policy>/<shard>/*.tsm`.
        if n >= 5
            && name.ends_with(b".tsm")
            && parts.get(n - 5) == Some(&&b"data"[..])
            && parts.get(n - 2).is_some_and(|d| is_counter(d))
        {
            found.insert(root(5), "InfluxDB");
        }
    }
    found.into_iter().filter(|(d, _)| !d.is_empty()).collect()
}

/// A ULID as Prometheus names its blocks: 26 characters of Crockford's base 32.
fn is_ulid(name: &[u8]) -> bool {
    name.len() == 26
        && name
            .iter()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !matches!(b, b'I' | b'L' | b'O' | b'U')))
}

/// A segment or shard number: digits only.
fn is_counter(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(u8::is_ascii_digit)
}

/// Folders a development tool exports its database into and rewrites whenever it stops: the
/// Firebase emulator's `--export-on-exit` folder (`firebase-export-metadata.json` at its top,
/// each service's export beneath).
fn export_dirs(input: &Input<'_, '_>) -> Vec<(BString, &'static str)> {
    let mut found: std::collections::BTreeSet<BString> = std::collections::BTreeSet::new();
    let all = input
        .model
        .paths()
        .map(|(_, p)| p)
        .chain(input.touched.keys().map(|p| p.as_bstr()));
    for path in all {
        let (dir, name) = crate::util::split_path(path);
        if name == "firebase-export-metadata.json" && !dir.is_empty() && !paths::in_test_dir(path) {
            found.insert(with_slash(dir));
        }
    }
    found.into_iter().map(|d| (d, "Firebase emulator")).collect()
}

/// A tool's export folder rewritten often enough to be churn: every commit that changed a
/// file there counts (the tool wrote it, whoever committed), as `data-churn` counts a job's.
fn export_subject(input: &Input<'_, '_>, dir: &BString, tool: &str) -> Option<Subject> {
    let rule = &input.policy.rules.data_churn;
    if rule.level.is_off() {
        return None;
    }
    let members: Vec<BString> = input
        .model
        .paths()
        .map(|(_, p)| p)
        .chain(input.touched.keys().map(|p| p.as_bstr()))
        .filter(|p| p.starts_with(dir.as_slice()))
        .map(ToOwned::to_owned)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let commits: Vec<u32> = input
        .model
        .paths()
        .filter(|(_, p)| p.starts_with(dir.as_slice()))
        .flat_map(|(i, _)| {
            input
                .model
                .changes_of(i)
                .filter(|c| c.blob().is_some())
                .map(|c| c.commit)
                .collect::<Vec<_>>()
        })
        .collect::<std::collections::BTreeSet<u32>>()
        .into_iter()
        .collect();
    let times: Vec<i64> = commits
        .iter()
        .filter_map(|&c| input.model.commit(c).map(|k| k.time))
        .collect();
    if !rule.holds(&times) {
        return None;
    }
    let job = JobFacts::of(input, &commits, rule.window_days);
    let mut hit = Hit::new(
        RuleId::DataChurn,
        rule.level.level(),
        format!(
            "a {tool} export of its database, rewritten at every stop: {} files; {}",
            members.len(),
            job.describe()
        ),
    )
    .with(super::data_churn::Evidence::Export {
        tool: tool.to_owned(),
        job: job.evidence(),
    });
    hit.evidence.shared.files = Some(members.len() as u64);
    hit.pattern = Some(Pattern::Database);
    Some(Subject {
        hit,
        representative: representative(input, members.iter().map(|m| m.as_bstr())),
        path: dir.clone(),
        members,
    })
}

fn with_slash(dir: &BStr) -> BString {
    let mut d = dir.to_owned();
    if !d.is_empty() {
        d.push(b'/');
    }
    d
}

fn engine_subject(input: &Input<'_, '_>, dir: &BString, engine: &str) -> Option<Subject> {
    let members: Vec<BString> = input
        .model
        .paths()
        .map(|(_, p)| p)
        .chain(input.touched.keys().map(|p| p.as_bstr()))
        .filter(|p| p.starts_with(dir.as_slice()))
        .map(ToOwned::to_owned)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let rule = &input.policy.rules.database_file;
    let times: Vec<i64> = input
        .model
        .paths()
        .filter(|(_, p)| p.starts_with(dir.as_slice()))
        .flat_map(|(i, _)| input.model.changes_of(i).collect::<Vec<_>>())
        .filter_map(|c| input.model.commit(c.commit).map(|k| (c.commit, k.time)))
        .collect::<BTreeMap<u32, i64>>()
        .into_values()
        .collect();
    let (first, last) = span(&times);
    if rule.level.is_off() {
        return None;
    }
    let mut hit = Hit::new(
        RuleId::DatabaseFile,
        rule.level.level(),
        format!(
            "a {engine} database's data directory: {} files committed in {} commits ({} to {})",
            members.len(),
            times.len(),
            date(first),
            date(last)
        ),
    )
    .with(super::database_file::Evidence::Engine {
        engine: engine.to_owned(),
        commits: times.len(),
        first: date(first),
        last: date(last),
    });
    hit.evidence.shared.files = Some(members.len() as u64);
    Some(Subject {
        hit,
        representative: representative(input, members.iter().map(|m| m.as_bstr())),
        path: dir.clone(),
        members,
    })
}

// ---------------------------------------------------------------------------------------
// Folder snapshots
// ---------------------------------------------------------------------------------------

/// What a job wrote under one top-level directory.
struct Snapshot {
    files: Vec<u32>,
    commits: HashMap<u32, (i64, u32)>,
}

/// Directories a job snapshots: many files per commit, largely opaque; each the smallest
/// directory holding what the job writes there, and none where people keep files of their own.
fn snapshot_dirs(input: &Input<'_, '_>, steps: &BTreeMap<u32, (Kind, Vec<Step>)>) -> Vec<(BString, Snapshot)> {
    let rule = &input.policy.rules.machine_cadence;
    let mut by_dir: BTreeMap<BString, Snapshot> = BTreeMap::new();
    for (&i, (_, list)) in steps {
        let path = input.model.path(i);
        let Some((top, _)) = path.split_once_str("/") else {
            continue;
        };
        let mut top = top.as_bstr().to_owned();
        top.push(b'/');
        let snap = by_dir.entry(top).or_insert_with(|| Snapshot {
            files: Vec::new(),
            commits: HashMap::new(),
        });
        let mut wrote = false;
        for s in list.iter().filter(|s| s.machine) {
            wrote = true;
            snap.commits.entry(s.commit).or_insert((s.time(input.model), 0)).1 += 1;
        }
        if wrote {
            snap.files.push(i);
        }
    }
    by_dir
        .into_iter()
        .filter(|(_, snap)| {
            let files = snap.files.len();
            let opaque = snap
                .files
                .iter()
                .filter(|i| steps.get(i).is_some_and(|(k, _)| k.opaque()))
                .count();
            let mut per_commit: Vec<u32> = snap.commits.values().map(|(_, n)| *n).collect();
            per_commit.sort_unstable();
            let median = per_commit.get(per_commit.len() / 2).copied().unwrap_or(0);
            let times: Vec<i64> = snap.commits.values().map(|(t, _)| *t).collect();
            files >= rule.snapshot_files as usize && opaque * 10 >= files * 3 && median >= 2 && rule.holds(&times)
        })
        .map(|(_, snap)| (smallest_dir(input, &snap.files), snap))
        .filter(|(dir, _)| !dir.is_empty() && !holds_peoples_files(input, dir))
        .collect()
}

/// The deepest directory holding every file of `files` (with its trailing `/`).
fn smallest_dir(input: &Input<'_, '_>, files: &[u32]) -> BString {
    let mut common: Option<&[u8]> = None;
    for &i in files {
        let (dir, _) = crate::util::split_path(input.model.path(i));
        let dir = dir.as_bytes();
        common = Some(match common {
            None => dir,
            Some(c) => {
                let mut end = c.iter().zip(dir).take_while(|(a, b)| a == b).count();
                // Back to a whole component.
                let boundary = |p: &[u8]| end == p.len() || p.get(end) == Some(&b'/');
                if !(boundary(c) && boundary(dir)) {
                    end = c.get(..end).and_then(|p| p.rfind_byte(b'/')).unwrap_or(0);
                }
                c.get(..end).unwrap_or_default()
            }
        });
    }
    let mut dir = BString::from(common.unwrap_or_default());
    if !dir.is_empty() {
        dir.push(b'/');
    }
    dir
}

/// Whether people keep files of their own under `dir`: a file only people ever changed. A
/// folder where people's source or schema lives is never a job's snapshot, however often a
/// job writes beside it (the job's own files are then a series or a file subject).
fn holds_peoples_files(input: &Input<'_, '_>, dir: &BString) -> bool {
    input.model.paths().any(|(i, path)| {
        path.starts_with(dir.as_slice()) && {
            let mut changes = input.model.changes_of(i).peekable();
            changes.peek().is_some() && changes.all(|c| !input.model.jobs.writes(c.commit))
        }
    })
}

fn snapshot_subject(input: &Input<'_, '_>, dir: &BString, snap: &Snapshot) -> Option<Subject> {
    let rule = &input.policy.rules.machine_cadence;
    let members: Vec<BString> = input
        .model
        .paths()
        .filter(|(_, p)| p.starts_with(dir.as_slice()))
        .map(|(_, p)| p.to_owned())
        .collect();
    let commits: Vec<u32> = snap.commits.keys().copied().collect();
    let job = JobFacts::of(input, &commits, input.policy.rules.machine_cadence.window_days);
    let mut per_commit: Vec<u32> = snap.commits.values().map(|(_, n)| *n).collect();
    per_commit.sort_unstable();
    let median = per_commit.get(per_commit.len() / 2).copied().unwrap_or(0);
    if rule.level.is_off() {
        return None;
    }
    let mut hit = Hit::new(
        RuleId::MachineCadence,
        rule.level.level(),
        format!(
            "a folder snapshotted by a job: {} files, {median} changed per commit; {}",
            snap.files.len(),
            job.describe()
        ),
    )
    .with(super::machine_cadence::Evidence::Snapshot {
        files_per_commit: median,
        job: job.evidence(),
    });
    hit.evidence.shared.files = Some(members.len() as u64);
    hit.pattern = Some(Pattern::Backup);
    Some(Subject {
        hit,
        representative: representative(input, members.iter().map(|m| m.as_bstr())),
        path: dir.clone(),
        members,
    })
}

// ---------------------------------------------------------------------------------------
// Series
// ---------------------------------------------------------------------------------------

/// Extensions of copies a dated name makes a backup series of, whatever their content.
const SERIES_EXTENSIONS: &[&str] = &[
    "sql", "dump", "bak", "backup", "tar", "gz", "tgz", "zip", "7z", "bz2", "xz", "zst", "rar", "bson", "rdb", "db",
    "sqlite", "sqlite3",
];

/// Dated or counted copies: new paths of one folded name (its extension aside) and one kind of
/// content, added over time.
fn series(input: &Input<'_, '_>, steps: &BTreeMap<u32, (Kind, Vec<Step>)>, engines: &[BString]) -> Vec<Subject> {
    let rule = &input.policy.rules.backup_file;
    let mut groups: BTreeMap<(String, Kind), Vec<(u32, bool)>> = BTreeMap::new();
    for (&i, (kind, list)) in steps {
        let path = input.model.path(i);
        let name = crate::util::split_path(path).1;
        let dated = paths::has_date_stamp(path);
        let named = dated && paths::extension(name).is_some_and(|e| SERIES_EXTENSIONS.contains(&e.as_str()));
        let engine = engines.iter().any(|d| path.starts_with(d.as_slice()));
        if !(kind.copyable() || named) || paths::in_test_dir(path) || engine {
            continue;
        }
        let Some(added) = list.iter().find(|s| s.previous().is_none() && s.blob().is_some()) else {
            continue;
        };
        let folded = fold_digits(path);
        if !folded.contains('#') {
            continue;
        }
        let stem = match folded.rsplit_once('.') {
            Some((stem, _)) if !stem.ends_with('/') => stem.to_owned(),
            _ => folded,
        };
        groups
            .entry((stem, *kind))
            .or_default()
            .push((i, added.machine || dated));
    }
    let mut out = Vec::new();
    for ((stem, kind), members) in groups {
        let scheduled = members.iter().filter(|(_, m)| *m).count();
        let in_scope = members
            .iter()
            .any(|(i, _)| input.touched.contains_key(input.model.path(*i)));
        if members.len() < SERIES_MIN || scheduled * 2 < members.len() || !in_scope {
            continue;
        }
        let paths: Vec<BString> = members.iter().map(|(i, _)| input.model.path(*i).to_owned()).collect();
        let commits: Vec<u32> = members
            .iter()
            .filter_map(|(i, _)| steps.get(i).and_then(|(_, l)| l.first()).map(|s| s.commit))
            .collect();
        let job = JobFacts::of(input, &commits, input.policy.rules.machine_cadence.window_days);
        let glob = format!("{}.*", stem.replace('#', "*"));
        if rule.level.is_off() {
            continue;
        }
        let mut hit = Hit::new(
            RuleId::BackupFile,
            rule.level.level(),
            format!(
                "a series of {} {} copies named `{glob}`, each a new file; {}",
                paths.len(),
                kind.noun(),
                job.describe()
            ),
        )
        .with(super::backup_file::Evidence::Subject(
            super::backup_file::Subject::Series {
                template: glob.clone(),
                job: job.evidence(),
            },
        ));
        hit.evidence.shared.files = Some(paths.len() as u64);
        hit.pattern = Some(Pattern::Backup);
        out.push(Subject {
            hit,
            representative: representative(input, paths.iter().map(|m| m.as_bstr())),
            path: glob.into(),
            members: paths,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Files written with a subject
// ---------------------------------------------------------------------------------------

/// Changes before a file can be what a subject's writer writes beside it.
const COMPANION_MIN: usize = 5;

/// What a flagged subject's writes are: the commits, and the identities of the job writes.
struct Anchor {
    path: BString,
    pattern: Pattern,
    /// A database file people recommit, not a job's subject: only data goes with it.
    by_hand: bool,
    commits: crate::history::CommitSet,
    job_identities: HashSet<u32>,
    /// The message templates of the subject's job writes.
    job_templates: HashSet<u32>,
    /// The file names of the subject's members.
    names: HashSet<BString>,
}

/// Files a subject's writer rewrites beside it, whatever their names: a log the run writes
/// under a config extension, the CSV export of a committed database, a world's `level.dat`
/// beside its LevelDB directory, the schema a scraper fetches in runs of its own.
///
/// A file of at least [`COMPANION_MIN`] versions belongs to a warn or deny subject (or to a
/// database file recommitted that often) when
/// - nine in ten of its changes are in the subject's commits, and it changes in at least half
///   of them (written together), or
/// - nine in ten of its changes are job writes under an identity of the subject's job writes,
///   and they alone hold the job's cadence (`machine-cadence`'s `min_commits` in
///   `window_days`): the same job, in runs of their own.
///
/// A database file people recommit by hand takes only data along (its CSV export), never the
/// pages and templates they edit in the same commits.
///
/// So a file people edit (a README beside the data, a changelog) is never one: people's
/// commits are not job writes, and they touch it in few of the subject's commits. Lock files,
/// manifests, CI configuration, release notes and test files never are either. Its pattern is
/// its content's: data is `database`, a log or anything else written as text `audit-trail`
/// (generated output), opaque binary content the subject's own.
fn companions(
    input: &Input<'_, '_>,
    kinds: &HashMap<BString, Kind>,
    subjects: &[Subject],
    engine_dirs: &[BString],
) -> Result<Vec<Subject>, RepoError> {
    let model = input.model;
    // A job's writes carry its messages: a person's free text under its identity is not one.
    let messages = JobMessages::of(model);
    let index: HashMap<&BStr, u32> = model.paths().map(|(i, p)| (p, i)).collect();
    let covered: HashSet<&BStr> = subjects
        .iter()
        .flat_map(|s| s.members.iter().map(|m| m.as_bstr()))
        .collect();
    let blob_commits = |i: u32| -> Vec<u32> {
        let mut c: Vec<u32> = model
            .changes_of(i)
            .filter(|c| c.blob().is_some())
            .map(|c| c.commit)
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let anchor_of = |path: BString, pattern: Pattern, members: &mut dyn Iterator<Item = u32>| {
        let members: Vec<u32> = members.collect();
        let names = members
            .iter()
            .map(|&i| crate::util::split_path(model.path(i)).1.to_owned())
            .collect();
        let mut commits = crate::history::CommitSet::of(model);
        let (mut job_identities, mut job_templates) = (HashSet::new(), HashSet::new());
        for c in members.iter().flat_map(|&i| model.changes_of(i).map(|c| c.commit)) {
            if commits.insert(c)
                && model.jobs.writes(c)
                && let Some(k) = model.commit(c)
            {
                job_identities.insert(k.identity);
                job_templates.insert(k.template);
            }
        }
        Anchor {
            path,
            pattern,
            by_hand: false,
            commits,
            job_identities,
            job_templates,
            names,
        }
    };
    // Only a folder holding a path in scope that no subject holds can give a companion that
    // is reported: the files of the others are not worked out.
    let loose: HashSet<&BStr> = input
        .touched
        .keys()
        .filter(|p| !covered.contains(p.as_bstr()))
        .map(|p| crate::util::split_path(p.as_bstr()).0)
        .collect();
    let candidates: Vec<(u32, &BStr)> = model
        .paths()
        .filter(|(_, path)| {
            let (dir, name) = crate::util::split_path(path);
            loose.contains(dir)
                && !(covered.contains(path)
                    || engine_dirs.iter().any(|d| path.starts_with(d.as_slice()))
                    || paths::in_test_dir(path)
                    || paths::is_lockfile(name)
                    || paths::is_tool_config(path)
                    || paths::is_release_notes(path)
                    || paths::is_manifest(name)
                    || paths::is_translation(path))
        })
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let mut anchors: Vec<Anchor> = Vec::new();
    for subject in subjects.iter().filter(|s| s.hit.level > Level::Info) {
        let pattern = subject.hit.pattern.unwrap_or(Pattern::Database);
        let mut members = subject.members.iter().filter_map(|m| index.get(m.as_bstr()).copied());
        anchors.push(anchor_of(subject.path.clone(), pattern, &mut members));
    }
    // A database file recommitted again and again, as its per-blob finding says.
    for (i, path) in model.paths() {
        if kinds.get(path) == Some(&Kind::Database)
            && !covered.contains(path)
            && !engine_dirs.iter().any(|d| path.starts_with(d.as_slice()))
            && !paths::in_test_dir(path)
            && blob_commits(i).len() >= COMPANION_MIN
        {
            let mut anchor = anchor_of(path.to_owned(), Pattern::Database, &mut std::iter::once(i));
            anchor.by_hand = true;
            anchors.push(anchor);
        }
    }
    if anchors.is_empty() {
        return Ok(Vec::new());
    }
    // Per anchor, folder and pattern: the kind, the files, their changes in the anchor's
    // commits and in all.
    type Group = (Kind, Vec<u32>, usize, usize);
    let mut groups: BTreeMap<(usize, BString, Pattern), Group> = BTreeMap::new();
    for (i, path) in candidates {
        let name = crate::util::split_path(path).1;
        if anchors.iter().any(|a| a.path == path) {
            continue;
        }
        let commits = blob_commits(i);
        let n = commits.len();
        if n < COMPANION_MIN {
            continue;
        }
        let data = kinds.get(path).is_some_and(|k| k.pattern() == Pattern::Database);
        let times: Vec<i64> = commits
            .iter()
            .filter_map(|c| model.commit(*c).map(|k| k.time))
            .collect();
        let first = times.iter().copied().min().unwrap_or(i64::MIN);
        let found = anchors.iter().enumerate().find_map(|(k, a)| {
            let shared = commits.iter().filter(|c| a.commits.contains(**c)).count();
            let together = shared * 10 >= n * 9 && shared * 2 >= a.commits.len() && (data || !a.by_hand);
            // Runs of its own: the job's identity, at the job's cadence.
            let by_job = !a.by_hand
                && commits
                    .iter()
                    .filter(|c| {
                        model.jobs.writes(**c)
                            && model.commit(**c).is_some_and(|k| {
                                a.job_identities.contains(&k.identity) && messages.carries(model, **c, k)
                            })
                    })
                    .count()
                    * 10
                    >= n * 9
                && (input.policy.rules.machine_cadence.holds(&times)
                    // The same file as the subject's, written by runs of the subject's own
                    // message in at least half of its runs since the file appeared (a site a
                    // monitor started watching late): too young to show a cadence of its own,
                    // the job's all the same.
                    || a.names.contains(name)
                        && commits.len() * 2
                            >= a.commits
                                .iter()
                                .filter(|c| model.commit(*c).is_some_and(|k| k.time >= first))
                                .count()
                        && commits
                        .iter()
                        .filter(|c| model.commit(**c).is_some_and(|k| a.job_templates.contains(&k.template)))
                        .count()
                        * 10
                        >= n * 9);
            (together || by_job).then_some((k, shared))
        });
        let Some((k, shared)) = found else {
            continue;
        };
        let Some(anchor) = anchors.get(k) else {
            continue;
        };
        let kind = match kinds.get(path).copied() {
            Some(Kind::Binary) => Kind::Binary,
            Some(Kind::Text) | None => Kind::Rendered,
            Some(kind) => kind,
        };
        let pattern = if kind == Kind::Binary {
            anchor.pattern
        } else {
            kind.pattern()
        };
        let (dir, _) = crate::util::split_path(path);
        let entry = groups
            .entry((k, dir.to_owned(), pattern))
            .or_insert((kind, Vec::new(), 0, 0));
        entry.1.push(i);
        entry.2 += shared;
        entry.3 += n;
    }
    let mut out = Vec::new();
    for ((k, dir, pattern), (kind, members, shared, changes)) in groups {
        let Some(anchor) = anchors.get(k) else {
            continue;
        };
        let paths: Vec<BString> = members.iter().map(|i| model.path(*i).to_owned()).collect();
        let Some(representative) = representative(input, paths.iter().map(|m| m.as_bstr())) else {
            continue;
        };
        // Text written with a job is its log when each run extends it.
        let mut kind = kind;
        if kind == Kind::Rendered && pattern == Pattern::AuditTrail {
            let carried = messages.carried(model, members.iter().copied());
            let steps: BTreeMap<u32, (Kind, Vec<Step>)> = members
                .iter()
                .map(|&i| (i, (kind, steps_of(model, &carried, i))))
                .collect();
            if member_appends(input, &steps, &members)?.is_some() {
                kind = Kind::Log;
            }
        }
        let (rule, level) = if pattern == Pattern::Database {
            (RuleId::DataChurn, input.policy.rules.data_churn.level)
        } else {
            (RuleId::MachineCadence, input.policy.rules.machine_cadence.level)
        };
        if level.is_off() {
            continue;
        }
        let mut commits: Vec<u32> = members
            .iter()
            .flat_map(|i| model.changes_of(*i).map(|c| c.commit))
            .collect();
        commits.sort_unstable();
        commits.dedup();
        let job = JobFacts::of(input, &commits, input.policy.rules.machine_cadence.window_days);
        let subject = companion_subject(dir.as_bstr(), &paths);
        let what = if paths.len() == 1 {
            kind.noun().to_owned()
        } else {
            format!("{} {}s", paths.len(), kind.noun())
        };
        let mut hit = Hit::new(
            rule,
            level.level(),
            format!(
                "{what} written with `{}` ({shared} of {changes} changes in the same commits{}): {}",
                crate::util::sanitize(anchor.path.as_slice()),
                if shared < changes {
                    ", the others by the same job"
                } else {
                    ""
                },
                job.describe()
            ),
        )
        .with(written_evidence(
            rule,
            Written::Companion(super::job::Companion {
                kind,
                written_with: anchor.path.to_str_lossy().into_owned(),
                job: job.evidence(),
            }),
        ));
        hit.evidence.shared.files = Some(paths.len() as u64);
        hit.pattern = Some(pattern);
        out.push(Subject {
            hit,
            representative: Some(representative),
            path: subject,
            members: paths,
        });
    }
    Ok(out)
}

/// The subject of companions in `dir`: the file, or the names' common start and `*`
/// (`level.dat*`), or the folder's `*`.
fn companion_subject(dir: &BStr, paths: &[BString]) -> BString {
    if let [one] = paths {
        return one.clone();
    }
    let names: Vec<&[u8]> = paths
        .iter()
        .map(|p| crate::util::split_path(p.as_bstr()).1.as_bytes())
        .collect();
    let first = names.first().copied().unwrap_or_default();
    let common = names.iter().fold(first.len(), |n, name| {
        first
            .iter()
            .zip(name.iter())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count()
    });
    let mut s = with_slash(dir);
    s.extend_from_slice(first.get(..common).unwrap_or_default());
    s.push(b'*');
    s
}

/// The steps of path `i`, as [`analyze`] makes them.
fn steps_of(model: &Model<'_>, carried: &CommitSet, i: u32) -> Vec<Step> {
    let mut list = Vec::with_capacity(model.change_count(i));
    list.extend(model.changes_of(i).filter_map(|c| Step::of(model, carried, c)));
    list
}

// ---------------------------------------------------------------------------------------
// Copies kept in a backup folder
// ---------------------------------------------------------------------------------------

/// Whether `name` has a copy's extension (`.tgz`, `.sql`, `.bak`, ...).
fn copy_name(name: &BStr) -> bool {
    paths::extension(name).is_some_and(|e| SERIES_EXTENSIONS.contains(&e.as_str()))
}

/// Whether `path` is a copy kept in a backup folder, by its name alone: the history decides
/// whether it is a backup kept in git (the backup-copies subject below), so it stays in scope whatever its
/// content says (an archive's blobs may be absent, a schema-only dump is no dump by content).
pub(crate) fn kept_copy(policy: super::Context<'_>, path: &BStr) -> bool {
    let rule = &policy.rules.backup_file;
    !rule.level.is_off() && rule.dirs.is_match(path) && copy_name(crate::util::split_path(path).1)
}

/// Versions of a copy in a backup folder before it is a backup kept in git.
const BACKUP_COPY_VERSIONS: usize = 3;

/// Copies in a backup folder, recommitted: an archive or a dump (by content, or by a copy's
/// extension: `.tgz`, `.sql`, `.bak`, ...) under a backup directory with at least
/// [`BACKUP_COPY_VERSIONS`] versions, or two when a commit that wrote it names a backup in its
/// message (`backup world <date>`). A backup folder's name alone never warns (a `backup/`
/// folder of scripts), and one copy committed once is the per-blob rules' to judge: a copy
/// recommitted there is git used as the backup store, by hand or by a job.
fn backup_copies(input: &Input<'_, '_>, kinds: &HashMap<BString, Kind>, subjects: &[Subject]) -> Vec<Subject> {
    let model = input.model;
    let rule = &input.policy.rules.backup_file;
    if rule.level.is_off() {
        return Vec::new();
    }
    let covered: HashSet<&BStr> = subjects
        .iter()
        .filter(|s| s.hit.level > Level::Info)
        .flat_map(|s| s.members.iter().map(|m| m.as_bstr()))
        .collect();
    let mut out = Vec::new();
    for (i, path) in model.paths() {
        let name = crate::util::split_path(path).1;
        if covered.contains(path) || !rule.dirs.is_match(path) || paths::in_test_dir(path) {
            continue;
        }
        // A copy its content shows is the per-file rules' (`database-dump`, `archive-backup`).
        if kinds.get(path).is_some_and(|k| k.copyable()) || !copy_name(name) {
            continue;
        }
        let mut versions: Vec<u32> = model.changes_of(i).filter_map(|c| c.blob()).collect();
        versions.sort_unstable();
        versions.dedup();
        let commits: Vec<u32> = model
            .changes_of(i)
            .filter(|c| c.blob().is_some())
            .map(|c| c.commit)
            .collect();
        let named = commits.iter().any(|c| {
            model
                .commit(*c)
                .is_some_and(|k| model.facts.template(k.template).to_ascii_lowercase().contains("backup"))
        });
        let enough = versions.len() >= BACKUP_COPY_VERSIONS || (named && versions.len() >= 2);
        if !enough {
            continue;
        }
        let Some(representative) = representative(input, std::iter::once(path)) else {
            continue;
        };
        let job = JobFacts::of(input, &commits, input.policy.rules.machine_cadence.window_days);
        let by_name = match paths::extension(name).as_deref() {
            Some("sql" | "dump" | "bson" | "rdb") => Kind::Dump,
            Some("db" | "sqlite" | "sqlite3") => Kind::Database,
            _ => Kind::Archive,
        };
        let kind = kinds.get(path).copied().filter(|k| k.copyable()).unwrap_or(by_name);
        let mut hit = Hit::new(
            RuleId::BackupFile,
            rule.level.level(),
            format!(
                "{} kept in a backup folder, {} versions committed{}: {}",
                kind.noun(),
                versions.len(),
                if named { " as backups" } else { "" },
                job.describe()
            ),
        )
        .with(super::backup_file::Evidence::Subject(
            super::backup_file::Subject::BackupCopy { job: job.evidence() },
        ));
        hit.evidence.shared.versions = Some(versions.len() as u64);
        hit.pattern = Some(Pattern::Backup);
        out.push(Subject {
            hit,
            representative: Some(representative),
            path: path.to_owned(),
            members: vec![path.to_owned()],
        });
    }
    out
}

/// A job's writes that make a file one of the files it rewrites.
const MIN_MEMBER_WRITES: usize = 3;

/// Copies before a series counts.
const SERIES_MIN: usize = 3;

// ---------------------------------------------------------------------------------------
// Files a job rewrites
// ---------------------------------------------------------------------------------------

/// Files of one role a job writes: their folder, extension and kind, and the paths.
type Role = (BString, Option<String>, Kind, Vec<u32>);

/// Changes from which the steps are made and the roles judged on several threads.
const PARALLEL_CHANGES: usize = 50_000;

/// [`job_subject`] of each role, in order, on several threads for a long history (each with a
/// repository handle of its own).
fn job_subjects(
    input: &Input<'_, '_>,
    steps: &BTreeMap<u32, (Kind, Vec<Step>)>,
    roles: &[Role],
) -> Result<Vec<Subject>, RepoError> {
    let (model, touched, policy) = (input.model, input.touched, input.policy);
    let threads = crate::util::threads_for(model.facts.changes.len(), PARALLEL_CHANGES);
    let found = crate::util::par_map_with(
        roles,
        threads,
        || input.repo.clone(),
        |repo, (dir, ext, kind, members)| {
            let input = Input {
                repo,
                model,
                touched,
                policy,
            };
            job_subject(&input, steps, dir, ext.as_deref(), *kind, members)
        },
    );
    let mut subjects = Vec::new();
    for subject in found {
        subjects.extend(subject?);
    }
    Ok(subjects)
}

fn job_subject(
    input: &Input<'_, '_>,
    steps: &BTreeMap<u32, (Kind, Vec<Step>)>,
    dir: &BString,
    ext: Option<&str>,
    kind: Kind,
    members: &[u32],
) -> Result<Option<Subject>, RepoError> {
    let policy = input.policy;
    // The rule of the subject's pattern decides whether the job's writes count.
    let database = kind.pattern() == Pattern::Database;
    let (window_days, level, rule) = if database {
        let r = &policy.rules.data_churn;
        (r.window_days, r.level, RuleId::DataChurn)
    } else {
        let r = &policy.rules.machine_cadence;
        (r.window_days, r.level, RuleId::MachineCadence)
    };
    let holds = |times: &[i64]| {
        if database {
            policy.rules.data_churn.holds(times)
        } else {
            policy.rules.machine_cadence.holds(times)
        }
    };
    // An opaque binary a job rewrites is churn (by size) or part of a folder snapshot; on its
    // own its content says nothing about what it is.
    if level.is_off() || kind == Kind::Binary {
        return Ok(None);
    }
    // The job's writes, a commit once however many members it writes: (author time,
    // identity, order), and each one's (commit, time).
    let mut seen = crate::history::CommitSet::of(input.model);
    let most: usize = members
        .iter()
        .filter_map(|i| steps.get(i))
        .map(|(_, list)| list.len())
        .sum();
    let mut writes: Vec<(i64, u32, u32)> = Vec::with_capacity(most);
    let mut written: Vec<(u32, i64)> = Vec::with_capacity(most);
    for i in members {
        if let Some((_, list)) = steps.get(i) {
            for s in list.iter().filter(|s| s.job_write() && s.blob().is_some()) {
                let Some(c) = input.model.commit(s.commit) else {
                    continue;
                };
                if !seen.insert(s.commit) {
                    continue;
                }
                let order = u32::try_from(written.len()).unwrap_or(u32::MAX);
                writes.push((c.authored, c.identity, order));
                written.push((s.commit, s.time(input.model)));
            }
        }
    }
    // Copies of one change (rebased or cherry-picked onto other branches: same author and
    // author time) count once, as the first of them. (Walk order is nearly time order, so
    // the sort finds the writes nearly sorted.)
    writes.sort_unstable();
    writes.dedup_by_key(|w| (w.0, w.1));
    let mut commits: Vec<(u32, i64)> = writes
        .into_iter()
        .filter_map(|(_, _, order)| written.get(order as usize).copied())
        .collect();
    commits.sort_unstable();
    let times: Vec<i64> = commits.iter().map(|c| c.1).collect();
    let mut kind = kind;
    let mut appends = None;
    if !one_job(input, commits.iter().map(|c| c.0)) || !the_job_writes_most(input.model, steps, members) {
        return Ok(None);
    }
    if matches!(kind, Kind::Text | Kind::Rendered) && edits_swept(input, steps, members, commits.len())? {
        return Ok(None);
    }
    if !holds(&times) {
        // A job appending to a text file is a log, even in a burst.
        let min_appends = policy.rules.machine_cadence.min_appends as usize;
        if times.len() < min_appends || !matches!(kind, Kind::Text | Kind::Log | Kind::Rendered) {
            return Ok(None);
        }
        let Some(grown) = member_appends(input, steps, members)? else {
            return Ok(None);
        };
        kind = Kind::Log;
        appends = Some(grown);
    } else if matches!(kind, Kind::Text | Kind::Log)
        && let Some(grown) = member_appends(input, steps, members)?
    {
        kind = Kind::Log;
        appends = Some(grown);
    }
    let rule = if kind.pattern() == Pattern::Database {
        rule
    } else {
        RuleId::MachineCadence
    };
    let paths: Vec<BString> = members.iter().map(|i| input.model.path(*i).to_owned()).collect();
    let ids: Vec<u32> = commits.iter().map(|c| c.0).collect();
    let job = JobFacts::of(input, &ids, window_days);
    let subject: BString = if paths.len() == 1 {
        paths.first().cloned().unwrap_or_default()
    } else {
        let mut s = with_slash(dir.as_bstr());
        s.push(b'*');
        if let Some(ext) = ext {
            s.push(b'.');
            s.extend_from_slice(ext.as_bytes());
        }
        s
    };
    let what = if paths.len() == 1 {
        kind.noun().to_owned()
    } else {
        format!("{} {}s", paths.len(), kind.noun())
    };
    let new_files = written_once(steps, members);
    let how = if new_files {
        "written by a job as a new file each run"
    } else {
        "rewritten by a job"
    };
    let mut hit = Hit::new(rule, level.level(), format!("{what} {how}: {}", job.describe())).with(written_evidence(
        rule,
        Written::Rewritten(super::job::Rewritten {
            kind,
            append_growth: appends,
            new_file_each_run: new_files,
            job: job.evidence(),
        }),
    ));
    hit.evidence.shared.files = Some(paths.len() as u64);
    hit.pattern = Some(kind.pattern());
    Ok(Some(Subject {
        hit,
        representative: representative(input, paths.iter().map(|m| m.as_bstr())),
        path: subject,
        members: paths,
    }))
}

/// Whether a group of files is a series a job writes once each (a dated page per day), not
/// files it rewrites: several members, nearly all (nine in ten) added by the job's write and
/// never written again.
fn written_once(steps: &BTreeMap<u32, (Kind, Vec<Step>)>, members: &[u32]) -> bool {
    let once = members
        .iter()
        .filter_map(|i| steps.get(i))
        .filter(|(_, list)| {
            let mut writes = list.iter().filter(|s| s.job_write() && s.blob().is_some());
            writes.next().is_some_and(|s| s.previous().is_none()) && writes.next().is_none()
        })
        .count();
    members.len() >= SERIES_MIN && once * 10 >= members.len() * 9
}

/// Versions compared to tell small edits from rewrites.
const EDIT_PAIRS: usize = 4;

/// Files a run writes, on average, when it only sweeps up edits.
const EDITS_PER_RUN: usize = 2;

/// Whether a group of text files a job commits holds edits it only sweeps up: several files,
/// none written in half of the job's runs, at most [`EDITS_PER_RUN`] of them a run on average,
/// and the newest writes ([`EDIT_PAIRS`] of them) each keep nine in ten of the lines before
/// them. That is what a vault's auto-backup commits of a person's notes, or a configuration
/// backup tool of the devices' configurations, looks like: the job commits whatever changed,
/// one change at a time, and every version is someone's small change to text, the history
/// git is for. A job's own output is rewritten in most of its runs (a page, a status file, a
/// report), many files a run (a scraper re-fetching a whole set of pages), appended in every
/// run (its log), or written as a new file each run (a dated report): none of these.
fn edits_swept(
    input: &Input<'_, '_>,
    steps: &BTreeMap<u32, (Kind, Vec<Step>)>,
    members: &[u32],
    runs: usize,
) -> Result<bool, RepoError> {
    if members.len() < 2 {
        return Ok(false);
    }
    let mut writes: Vec<&Step> = Vec::new();
    for i in members {
        let Some((_, list)) = steps.get(i) else {
            continue;
        };
        let mine: Vec<&Step> = list.iter().filter(|s| s.job_write() && s.blob().is_some()).collect();
        if mine.len() * 2 >= runs {
            return Ok(false);
        }
        writes.extend(mine);
    }
    // Edits arrive one at a time (a note, a device); a run rewriting many files is a job's own.
    if writes.len() > runs.saturating_mul(EDITS_PER_RUN) {
        return Ok(false);
    }
    writes.sort_by_key(|s| std::cmp::Reverse(s.time(input.model)));
    let read = |v: u32| -> Result<Option<Vec<u8>>, RepoError> {
        let Some(blob) = blob_id(input, v) else {
            return Ok(None);
        };
        if version_size(input, v).is_none_or(|size| size > APPEND_MAX) {
            return Ok(None);
        }
        input
            .repo
            .find_object(blob)
            .map(|o| Some(o.data.clone()))
            .map_err(|e| RepoError::read(format!("reading blob {blob}"), e))
    };
    let mut checked = 0;
    for step in writes.iter().take(EDIT_PAIRS) {
        let (Some(new), Some(old)) = (step.blob(), step.previous()) else {
            return Ok(false);
        };
        let (Some(new), Some(old)) = (read(new)?, read(old)?) else {
            return Ok(false);
        };
        if !keeps_lines(&old, &new) {
            return Ok(false);
        }
        checked += 1;
    }
    Ok(checked >= 2)
}

/// Whether `new` keeps nine in ten of the lines of `old` (an edit, not a rewrite).
fn keeps_lines(old: &[u8], new: &[u8]) -> bool {
    if old == new {
        return false;
    }
    let after: HashSet<&[u8]> = new.lines().collect();
    let (mut lines, mut kept) = (0usize, 0usize);
    for line in old.lines() {
        lines += 1;
        kept += usize::from(after.contains(line));
    }
    lines > 0 && kept * 10 >= lines * 9
}

/// Whether `commits` come from one job: a job commits under one or two identities (a bot and
/// the owner who runs it by hand), while a family of messages that many people write (`Update
/// README.md`) is spread over many.
/// Whether jobs made at least a third of the commits that change `members`: files people
/// keep editing, with now and then a commit under one of their own terse messages (a
/// maintainer's hundreds of `refactor`s touching the README and the task list among their
/// source), are theirs, however regular those few commits look. A job's output is mostly
/// the job's.
fn the_job_writes_most(model: &Model<'_>, steps: &BTreeMap<u32, (Kind, Vec<Step>)>, members: &[u32]) -> bool {
    let (mut all, mut machine) = (
        crate::history::CommitSet::of(model),
        crate::history::CommitSet::of(model),
    );
    for (_, list) in members.iter().filter_map(|i| steps.get(i)) {
        for s in list.iter().filter(|s| s.blob().is_some()) {
            if all.insert(s.commit) && s.machine {
                machine.insert(s.commit);
            }
        }
    }
    machine.len() * 3 >= all.len()
}

fn one_job(input: &Input<'_, '_>, commits: impl Iterator<Item = u32>) -> bool {
    let mut identities: Vec<u32> = commits
        .filter_map(|c| input.model.commit(c))
        .map(|c| c.identity)
        .collect();
    let total = identities.len();
    identities.sort_unstable();
    let mut shares: Vec<usize> = identities.chunk_by(|a, b| a == b).map(<[u32]>::len).collect();
    shares.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = shares.iter().take(2).sum();
    top * 4 >= total * 3
}

/// Text files at most this large are compared whole to tell appends from rewrites.
const APPEND_MAX: u64 = 4 * 1024 * 1024;

/// Consecutive versions compared for append-only growth.
const APPEND_PAIRS: usize = 4;

/// The growth of the most-changed member when its newest versions each extend the last.
fn member_appends(
    input: &Input<'_, '_>,
    steps: &BTreeMap<u32, (Kind, Vec<Step>)>,
    members: &[u32],
) -> Result<Option<super::job::Appends>, RepoError> {
    let Some(list) = members
        .iter()
        .filter_map(|i| steps.get(i).map(|(_, l)| l))
        .max_by_key(|l| l.len())
    else {
        return Ok(None);
    };
    let repo = input.repo;
    let size = |v: u32| version_size(input, v);
    let mut newest: Vec<&Step> = list.iter().filter(|s| s.blob().is_some()).collect();
    newest.sort_by_key(|s| std::cmp::Reverse(s.time(input.model)));
    let mut checked = 0;
    for step in newest.iter().take(APPEND_PAIRS) {
        let (Some(new), Some(old)) = (step.blob(), step.previous()) else {
            break;
        };
        let (Some(new_size), Some(old_size)) = (size(new), size(old)) else {
            return Ok(None);
        };
        if new_size <= old_size || new_size > APPEND_MAX {
            return Ok(None);
        }
        // The facts keep the ids of each path's newest versions; without them, nothing to compare.
        let (Some(new), Some(old)) = (blob_id(input, new), blob_id(input, old)) else {
            return Ok(None);
        };
        let read = |b: ObjectId| {
            repo.find_object(b)
                .map(|o| o.data.clone())
                .map_err(|e| RepoError::read(format!("reading blob {b}"), e))
        };
        if !read(new)?.starts_with(&read(old)?) {
            return Ok(None);
        }
        checked += 1;
    }
    if checked < 2 {
        return Ok(None);
    }
    let (Some(first), Some(last)) = (newest.last(), newest.first()) else {
        return Ok(None);
    };
    let grown = last
        .blob()
        .and_then(size)
        .unwrap_or(0)
        .saturating_sub(first.previous().and_then(size).unwrap_or(0));
    let days = (last.time(input.model).saturating_sub(first.time(input.model)) as f64 / DAY as f64).max(1.0 / 24.0);
    Ok(Some(super::job::Appends {
        versions_checked: checked,
        commits: list.len(),
        bytes_added: grown,
        bytes_per_day: (grown as f64 / days) as u64,
    }))
}

/// Files a job writes: beside another file, or rewritten.
enum Written {
    /// Written in the same commits as another file.
    Companion(super::job::Companion),
    /// Rewritten, or written anew on each run.
    Rewritten(super::job::Rewritten),
}

/// The evidence of files a job writes, in the shape of `rule`: `data-churn` for data, else
/// `machine-cadence`.
fn written_evidence(rule: RuleId, written: Written) -> super::RuleEvidence {
    use super::{data_churn, machine_cadence};
    match (rule, written) {
        (RuleId::DataChurn, Written::Companion(c)) => data_churn::Evidence::Companion(c).into(),
        (RuleId::DataChurn, Written::Rewritten(r)) => data_churn::Evidence::Rewritten(r).into(),
        (_, Written::Companion(c)) => machine_cadence::Evidence::Companion(c).into(),
        (_, Written::Rewritten(r)) => machine_cadence::Evidence::Rewritten(r).into(),
    }
}

/// The blob id of version `v`, where the model knows it.
fn blob_id(input: &Input<'_, '_>, v: u32) -> Option<ObjectId> {
    input.model.version_blob(v)
}

// ---------------------------------------------------------------------------------------
// The job behind a subject
// ---------------------------------------------------------------------------------------

/// What a subject's commits say about the job that made them.
#[derive(Debug, Default)]
struct JobFacts {
    commits: usize,
    first: i64,
    last: i64,
    busiest: usize,
    busiest_days: usize,
    window_days: u32,
    identity: String,
    identities: usize,
    template: String,
    period: i64,
    regular_share: f64,
}

impl JobFacts {
    fn of(input: &Input<'_, '_>, commits: &[u32], window_days: u32) -> Self {
        let model = input.model;
        let facts: Vec<&crate::history::CommitFacts> = commits.iter().filter_map(|&c| model.commit(c)).collect();
        let times: Vec<i64> = facts.iter().map(|c| c.time).collect();
        let (first, last) = span(&times);
        let (busiest, busiest_days) = busiest(&times, i64::from(window_days).saturating_mul(DAY));
        // The most frequent identity or template (the smallest name among equals), and how many
        // there are: counted in a slot per entry of the facts' table.
        let top = |key: fn(&crate::history::CommitFacts) -> u32, table: usize, name: &dyn Fn(u32) -> String| {
            let mut count = vec![0usize; table];
            for c in &facts {
                if let Some(n) = count.get_mut(key(c) as usize) {
                    *n += 1;
                }
            }
            let most = count.iter().copied().max().unwrap_or(0);
            let best = (most > 0)
                .then(|| {
                    count
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| **n == most)
                        .map(|(k, _)| name(u32::try_from(k).unwrap_or(u32::MAX)))
                        .min()
                })
                .flatten()
                .unwrap_or_default();
            (best, count.iter().filter(|n| **n > 0).count())
        };
        let (identity, identities) = top(|c| c.identity, model.facts.identities.len(), &|i| {
            model.facts.identity(i).to_owned()
        });
        let (template, _) = top(|c| c.template, model.facts.templates.len(), &|i| {
            model.facts.template(i).to_owned()
        });
        let mut sorted = times.clone();
        sorted.sort_unstable();
        let (period, regular_share) = crate::history::cadence::regularity(&sorted);
        JobFacts {
            commits: facts.len(),
            first,
            last,
            busiest,
            busiest_days,
            window_days,
            identity,
            identities,
            template,
            period,
            regular_share,
        }
    }

    fn cadence(&self) -> String {
        if self.regular_share >= 0.75 && self.period > 0 {
            format!("every {}", crate::history::cadence::period_text(self.period))
        } else {
            "on change, at irregular intervals".to_owned()
        }
    }

    fn describe(&self) -> String {
        let who = if self.identities > 1 {
            format!(
                "{} and {} other identit{}",
                self.identity,
                self.identities - 1,
                if self.identities == 2 { "y" } else { "ies" }
            )
        } else {
            self.identity.clone()
        };
        format!(
            "{} commits from {} to {}, up to {} in {} days ({}), by {who}, messages like `{}`",
            self.commits,
            date(self.first),
            date(self.last),
            self.busiest,
            self.window_days,
            self.cadence(),
            crate::util::sanitize(self.template.as_bytes())
        )
    }

    /// The facts as a subject's evidence gives them (`job`).
    fn evidence(&self) -> super::job::Job {
        super::job::Job {
            commits: self.commits,
            first: date(self.first),
            last: date(self.last),
            busiest: self.busiest,
            busiest_days: self.busiest_days,
            window_days: self.window_days,
            identity: self.identity.clone(),
            identities: self.identities,
            template: self.template.clone(),
            period_seconds: self.period,
            regular_share: (self.regular_share * 100.0).round() / 100.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_edits_keep_the_lines_before_them() {
        let note = b"# Note\nA thought.\nAnother one.\nA third.\nA fourth.\n".as_slice();
        let grown = [note, b"A fifth.\n".as_slice()].concat();
        assert!(keeps_lines(note, &grown));
        let reworded = b"# Note\nA thought.\nAnother one, reworded.\nA third.\nA fourth.\n";
        assert!(
            !keeps_lines(note, reworded),
            "one line in five changed is more than an edit"
        );
        let rerendered = b"# Status\nup 99.1%\nchecked 12:05\n";
        assert!(!keeps_lines(b"# Status\nup 99.0%\nchecked 12:00\n", rerendered));
        assert!(!keeps_lines(note, note), "no change is no edit");
    }

    #[test]
    fn folded_paths_make_series() {
        assert_eq!(fold_digits(b"2023/2023-04/db-2023-04-03.db"), "#/#/db-#.db");
        assert_eq!(fold_digits(b"backup2016101412.tgz"), "backup#.tgz");
        assert_eq!(fold_digits(b"db/000123.ldb"), "db/#.ldb");
        assert_eq!(fold_digits(b"shop.sql"), "shop.sql");
    }

    #[test]
    fn block_and_shard_names() {
        assert!(is_ulid(b"01HYSVGZJH15J6XE99PAYY2YY1"));
        assert!(!is_ulid(b"01hysvgzjh15j6xe99payy2yy1"));
        assert!(!is_ulid(b"01HYSVGZJH15J6XE99PAYY2YYL"));
        assert!(!is_ulid(b"dashboards"));
        assert!(is_counter(b"00000001") && !is_counter(b"") && !is_counter(b"autogen"));
    }

    #[test]
    fn kinds_decide_patterns() {
        let k = |p: &str| kind_by_name(p.into(), Some(false));
        assert_eq!(k("feeds/a.geojson").map(Kind::pattern), Some(Pattern::Database));
        assert_eq!(k("status/a.yml").map(Kind::pattern), Some(Pattern::Database));
        let record = crate::detect::sniff(b"url: https://x.example\nstatus: up\ncode: 200\n", None);
        assert_eq!(
            kind_of("status/a.yml".into(), "a.yml".into(), &[], Some(&record)).map(Kind::pattern),
            Some(Pattern::AuditTrail)
        );
        assert_eq!(k("README.md").map(Kind::pattern), Some(Pattern::AuditTrail));
        assert_eq!(k("src/main.rs"), None);
        assert_eq!(kind_by_name("raw/day.xlsx".into(), Some(true)), Some(Kind::Data));
        assert_eq!(kind_by_name("r.0.0.mca".into(), Some(true)), Some(Kind::Binary));
        assert!(kind_of("package.json".into(), "package.json".into(), &[], None).is_none());
        assert!(kind_of(".github/workflows/ci.yml".into(), "ci.yml".into(), &[], None).is_none());
    }
}
