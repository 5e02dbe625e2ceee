//! What the hooks read from their environment, and the git server they run under.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use gix::bstr::BString;

use crate::policy::Policy;

/// The git server a hook runs under, as its environment shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Platform {
    /// Plain git (`git-shell`, `git http-backend`, gitolite, `git daemon`), or unknown.
    #[default]
    Git,
    /// GitLab (`GL_ID`, `GL_USERNAME`, `GL_PROTOCOL`).
    GitLab,
    /// GitHub Enterprise Server (`GITHUB_USER_LOGIN`, `GITHUB_REPO_NAME`, `GITHUB_VIA`).
    GitHubEnterprise,
    /// Gitea or Forgejo (`GITEA_PUSHER_NAME`).
    Gitea,
    /// Bitbucket Data Center hook scripts (`BB_USER_NAME`).
    Bitbucket,
}

impl Platform {
    /// The platform's name, for people.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Platform::Git => "git",
            Platform::GitLab => "GitLab",
            Platform::GitHubEnterprise => "GitHub Enterprise Server",
            Platform::Gitea => "Gitea/Forgejo",
            Platform::Bitbucket => "Bitbucket Data Center",
        }
    }

    /// The variable that names the pusher: on a platform, only the platform's own (`USER` is
    /// the service account there, the same for every pusher).
    pub(crate) fn user_variables(self) -> &'static [&'static str] {
        match self {
            Platform::Git => &["REMOTE_USER", "USER"],
            Platform::GitLab => &["GL_USERNAME"],
            Platform::GitHubEnterprise => &["GITHUB_USER_LOGIN"],
            Platform::Gitea => &["GITEA_PUSHER_NAME"],
            Platform::Bitbucket => &["BB_USER_NAME"],
        }
    }

    /// The platform's own limit on all pre-receive hooks of a push together.
    pub(crate) fn hook_limit(self) -> Option<Duration> {
        match self {
            Platform::GitHubEnterprise => Some(Duration::from_secs(5)),
            _ => None,
        }
    }
}

/// Under a platform limit, pushgate's own budget: short enough that pushgate answers (by
/// `on_error`) before the platform kills the hooks.
pub(crate) const UNDER_PLATFORM_LIMIT: Duration = Duration::from_secs(4);

/// What the hooks read from their environment, gathered in one place (and replaceable in
/// tests).
#[derive(Debug, Clone, Default)]
pub struct HookEnv {
    /// `GIT_PUSH_OPTION_0` … `GIT_PUSH_OPTION_<COUNT-1>`.
    pub(crate) push_options: Vec<BString>,
    /// The pusher, from the platform's variable (see [`Platform::user_variables`]).
    pub(crate) user: Option<String>,
    /// Running under GitLab (`GL_ID` or `GL_PROTOCOL` set): lines need `GL-HOOK-ERR: `.
    pub(crate) gitlab: bool,
    /// The git server.
    pub(crate) platform: Platform,
    /// How the push came: `GL_PROTOCOL` (`ssh`, `http`, `web`) or `GITHUB_VIA` (`git`, or the
    /// web interface or API action).
    pub(crate) via: Option<String>,
    /// `GIT_QUARANTINE_PATH`.
    pub(crate) quarantine: Option<PathBuf>,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`.
    pub(crate) alternates: Vec<PathBuf>,
    /// When the hook process started: the time budget counts from here.
    pub(crate) started: Option<Instant>,
    /// `PUSHGATE_DEBUG` set: the hook's answer starts with what it read from the environment.
    pub(crate) debug: bool,
    /// The binary that writes the facts store a hook caught up, in a process of its own after
    /// the hook returns (the running binary); `None`: the hook writes it before it returns.
    pub(crate) writer: Option<PathBuf>,
    /// The facts store, being read since the hook opened the repository.
    pub(crate) read_ahead: Option<crate::index::ReadAhead>,
}

impl HookEnv {
    /// From the process environment.
    pub fn from_process() -> Self {
        HookEnv {
            started: Some(Instant::now()),
            writer: std::env::current_exe().ok(),
            ..Self::from_lookup(|key| std::env::var_os(key))
        }
    }

    /// From any lookup of environment variables.
    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Self {
        let non_empty = |key: &str| get(key).filter(|v| !v.is_empty());
        let any = |keys: &[&str]| keys.iter().any(|k| non_empty(k).is_some());
        let count = non_empty("GIT_PUSH_OPTION_COUNT")
            .and_then(|c| c.to_str().and_then(|c| c.parse::<usize>().ok()))
            .unwrap_or(0)
            .min(1024);
        let push_options = (0..count)
            .filter_map(|i| get(&format!("GIT_PUSH_OPTION_{i}")))
            .map(|v| BString::from(v.into_encoded_bytes()))
            .collect();
        let gitlab = any(&["GL_ID", "GL_PROTOCOL"]);
        let platform = if gitlab || any(&["GL_USERNAME"]) {
            Platform::GitLab
        } else if any(&["GITHUB_USER_LOGIN", "GITHUB_REPO_NAME", "GITHUB_VIA"]) {
            Platform::GitHubEnterprise
        } else if any(&["GITEA_PUSHER_NAME", "GITEA_REPO_NAME"]) {
            Platform::Gitea
        } else if any(&["BB_USER_NAME", "BB_HOOK_TYPE"]) {
            Platform::Bitbucket
        } else {
            Platform::Git
        };
        let text = |v: OsString| crate::util::sanitize(v.as_encoded_bytes());
        let user = platform
            .user_variables()
            .iter()
            .find_map(|k| non_empty(k))
            .map(|v| v.to_string_lossy().into_owned());
        let via = non_empty("GL_PROTOCOL").or_else(|| non_empty("GITHUB_VIA")).map(text);
        HookEnv {
            push_options,
            user,
            gitlab,
            platform,
            via,
            quarantine: non_empty("GIT_QUARANTINE_PATH").map(PathBuf::from),
            alternates: non_empty("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default(),
            started: None,
            debug: non_empty("PUSHGATE_DEBUG").is_some(),
            writer: None,
            read_ahead: None,
        }
    }

    /// The time the check may take: the policy's `[hook] timeout` (0: no limit), and under a
    /// platform that stops hooks itself, no more than [`UNDER_PLATFORM_LIMIT`].
    pub(crate) fn budget(&self, policy: &Policy) -> Option<Duration> {
        let own = (policy.file.hook.timeout > 0).then(|| Duration::from_secs(policy.file.hook.timeout));
        match self.platform.hook_limit() {
            Some(_) => Some(own.map_or(UNDER_PLATFORM_LIMIT, |own| own.min(UNDER_PLATFORM_LIMIT))),
            None => own,
        }
    }

    /// Why the budget is what it is, for the message when it runs out.
    pub(crate) fn budget_reason(&self, policy: &Policy) -> String {
        match self.platform.hook_limit() {
            Some(limit) if self.budget(policy) != Some(Duration::from_secs(policy.file.hook.timeout)) => format!(
                "kept under the {} s {} gives all pre-receive hooks of a push",
                limit.as_secs(),
                self.platform.name()
            ),
            _ => "[hook] timeout".to_owned(),
        }
    }

    /// A commit made in GitLab's web interface (`GL_PROTOCOL=web`): no push options, no clone
    /// to amend in.
    pub(crate) fn is_gitlab_web(&self) -> bool {
        self.platform == Platform::GitLab && self.via.as_deref() == Some("web")
    }

    /// One line saying what the hook read from its environment (shown with `PUSHGATE_DEBUG`).
    pub(crate) fn describe(&self, policy: &Policy) -> String {
        let user = match (&self.user, self.platform.user_variables()) {
            (Some(user), vars) => format!("{user} (from {})", vars.join(" or ")),
            (None, vars) => format!("unknown ({} not set)", vars.join(", ")),
        };
        let budget = match self.budget(policy) {
            Some(b) => format!("{} s", b.as_secs()),
            None => "none".to_owned(),
        };
        let limit = match self.platform.hook_limit() {
            Some(limit) => format!(" (the platform allows {} s)", limit.as_secs()),
            None => String::new(),
        };
        format!(
            "pushgate: debug: platform {}; via {}; pusher {user}; quarantine {}; time budget {budget}{limit}, [hook] timeout = {}",
            self.platform.name(),
            self.via.as_deref().unwrap_or("-"),
            if self.quarantine.is_some() { "yes" } else { "no" },
            policy.file.hook.timeout,
        )
    }

    /// Prefix every line for GitLab's web interface when running under GitLab.
    pub(crate) fn decorate(&self, text: &[u8]) -> Vec<u8> {
        if !self.gitlab {
            return text.to_vec();
        }
        let mut out = Vec::with_capacity(text.len() + 64);
        for line in text.split_inclusive(|b| *b == b'\n') {
            out.extend_from_slice(b"GL-HOOK-ERR: ");
            out.extend_from_slice(line);
        }
        out
    }
}
