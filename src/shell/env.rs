//! Shell state that outlives one line: variables, `$?`, `exit` requests and the
//! in-memory files written by redirections.

use crate::support::collections::{VecMap, VecSet};

/// Home directory used when `HOME` is unset.
const DEFAULT_HOME: &str = "/root";

/// Shell state that persists between lines (variables, last exit status `$?`).
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Shell variables by name.
    pub vars: VecMap<String, String>,
    /// Names of exported variables (a name may be exported before it is set).
    pub exported: VecSet<String>,
    /// Exit status of the last line or command (`$?`).
    pub last_status: i32,
    /// Set by the `exit` builtin: the caller should close the terminal with this status.
    pub exit_requested: Option<i32>,
    /// In-memory files by absolute, normalized path.
    files: VecMap<String, String>,
    /// The machine's directories, for the lab machine's shell (`cd` checks them, `ls`, `mkdir`
    /// and `rm` use them). Empty in a container's shell, whose directories the pod keeps.
    pub dirs: VecSet<String>,
    /// Whose words the shell's own errors are in.
    pub dialect: Dialect,
}

/// The shell a line runs in, for the words of its own errors (`cd`, redirects).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// bash (the lab machine; `bash` in a container).
    #[default]
    Bash,
    /// Debian's dash (`sh` in Debian images).
    Dash,
    /// busybox ash (`sh` in busybox and Alpine images).
    Ash,
    /// zsh.
    Zsh,
}

impl Dialect {
    /// `cd` into `target`, which is missing or no directory (`why`, in strerror's words): the
    /// message and the exit status.
    pub fn cd_error(self, target: &str, why: &str) -> (String, i32) {
        match self {
            Dialect::Bash => (format!("bash: cd: {target}: {why}\n"), 1),
            // dash's and ash's `sh_error` exit status is 2.
            Dialect::Dash => (format!("sh: 1: cd: can't cd to {target}\n"), 2),
            Dialect::Ash => (format!("sh: cd: can't cd to {target}: {why}\n"), 2),
            Dialect::Zsh => (format!("cd: {}: {target}\n", zsh_words(why)), 1),
        }
    }

    /// A redirect that cannot create `path` (`why`: its directory is missing, or it is one).
    pub fn create_error(self, path: &str, why: &str) -> (String, i32) {
        let missing = why == "No such file or directory";
        match self {
            Dialect::Bash => (format!("bash: {path}: {why}\n"), 1),
            Dialect::Dash => {
                (format!("sh: 1: cannot create {path}: {}\n", if missing { "Directory nonexistent" } else { why }), 2)
            }
            Dialect::Ash => {
                (format!("sh: can't create {path}: {}\n", if missing { "nonexistent directory" } else { why }), 2)
            }
            Dialect::Zsh => (format!("zsh: {}: {path}\n", zsh_words(why)), 1),
        }
    }

    /// The shell could not grow a value to `bytes` bytes (the lab's [`super::MAX_TEXT`]): what
    /// its allocator says when malloc fails, and the status it dies with.
    // k8s-diff: a real shell exits on this fatal error; the lab ends the line and keeps the shell.
    pub fn out_of_memory(self, bytes: usize) -> (String, i32) {
        match self {
            // bash's xmalloc.c `allocerr`, through `fatal_error` (status 2).
            Dialect::Bash => (format!("bash: xrealloc: cannot allocate {bytes} bytes\n"), 2),
            // dash's memalloc.c `ckrealloc`: `sh_error("Out of space")`.
            Dialect::Dash => ("sh: 1: Out of space\n".to_owned(), 2),
            // busybox's `bb_die_memory_exhausted`.
            Dialect::Ash => ("sh: out of memory\n".to_owned(), 1),
            // zsh's mem.c `zalloc`.
            Dialect::Zsh => ("zsh: fatal error: out of memory\n".to_owned(), 1),
        }
    }

    /// A redirect that cannot read `path` (missing).
    pub fn open_error(self, path: &str) -> String {
        match self {
            Dialect::Bash => format!("bash: {path}: No such file or directory\n"),
            Dialect::Dash => format!("sh: 1: cannot open {path}: No such file\n"),
            Dialect::Ash => format!("sh: can't open {path}: no such file\n"),
            Dialect::Zsh => format!("zsh: no such file or directory: {path}\n"),
        }
    }
}

/// zsh writes strerror's words in lower case.
fn zsh_words(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl Env {
    /// An environment with `HOME=/root`, `PWD=/root` and `USER=root`, all exported.
    pub fn new() -> Self {
        let mut env = Self::default();
        for (name, value) in [("HOME", DEFAULT_HOME), ("PWD", DEFAULT_HOME), ("USER", "root")] {
            env.set_var(name, value);
            env.exported.insert(name.to_owned());
        }
        env
    }

    /// The value of variable `name`, if set.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Sets variable `name` to `value`.
    pub fn set_var(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_owned(), value.to_owned());
    }

    /// Removes variable `name` (and its export mark).
    pub fn unset_var(&mut self, name: &str) {
        self.vars.remove(name);
        self.exported.remove(name);
    }

    /// The exported variables that are set, as a child process would see them.
    pub fn exported_vars(&self) -> VecMap<String, String> {
        self.exported.iter().filter_map(|name| Some((name.clone(), self.vars.get(name)?.clone()))).collect()
    }

    /// `$HOME`, or `/root` when unset.
    pub fn home(&self) -> &str {
        self.var("HOME").unwrap_or(DEFAULT_HOME)
    }

    /// The working directory: `$PWD` when it is an absolute path, else `$HOME`.
    /// Swaps the state one shell process keeps (variables, exports, `$?`) with `other`'s and
    /// keeps this machine's files: how two terminals on one host share files but not variables.
    pub fn swap_process(&mut self, other: &mut Env) {
        std::mem::swap(&mut self.vars, &mut other.vars);
        std::mem::swap(&mut self.exported, &mut other.exported);
        std::mem::swap(&mut self.last_status, &mut other.last_status);
    }

    /// The working directory as bash's `\w` shows it in a prompt: `~` for `$HOME`.
    pub fn prompt_dir(&self) -> String {
        let (cwd, home) = (self.cwd(), self.home());
        match cwd.strip_prefix(home) {
            Some("") => "~".into(),
            Some(rest) if rest.starts_with('/') && home != "/" => format!("~{rest}"),
            _ => cwd.into(),
        }
    }

    /// Whether `path` (absolute) is a directory of the machine: the root, a known one, or one a
    /// file or known directory lies under.
    pub fn is_dir(&self, path: &str) -> bool {
        self.is_dir_among(&self.dirs, path)
    }

    /// [`Env::is_dir`] with the directories kept elsewhere (a container's).
    pub fn is_dir_among(&self, dirs: &VecSet<String>, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        path == "/"
            || dirs.contains(path)
            || self.files.keys().any(|f| f.starts_with(&prefix))
            || dirs.iter().any(|d| d.starts_with(&prefix))
    }

    pub fn cwd(&self) -> &str {
        match self.var("PWD") {
            Some(pwd) if pwd.starts_with('/') => pwd,
            _ => self.home(),
        }
    }

    /// Makes `path` absolute (relative to [`Env::cwd`]) and removes `.`/`..`/`//`.
    pub fn resolve_path(&self, path: &str) -> String {
        let joined = if path.starts_with('/') { path.to_owned() } else { format!("{}/{path}", self.cwd()) };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        format!("/{}", parts.join("/"))
    }

    /// Contents of the in-memory file at `path` (relative paths resolve against the
    /// working directory).
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(&self.resolve_path(path)).map(String::as_str)
    }

    /// Creates or replaces the file at `path`.
    pub fn write_file(&mut self, path: &str, contents: &str) {
        let key = self.resolve_path(path);
        self.files.insert(key, contents.to_owned());
    }

    /// Appends to the file at `path`, creating it when missing.
    pub fn append_file(&mut self, path: &str, contents: &str) {
        let key = self.resolve_path(path);
        self.files.entry(key).or_default().push_str(contents);
    }

    /// Removes the file at `path`, returning its contents.
    pub fn remove_file(&mut self, path: &str) -> Option<String> {
        let key = self.resolve_path(path);
        self.files.remove(&key)
    }

    /// All files as `(absolute path, contents)`, sorted by path.
    /// Forgets the in-memory files (a container's process reloads them before each step).
    pub fn clear_files(&mut self) {
        self.files = VecMap::new();
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_pwd() {
        let mut env = Env::new();
        assert_eq!(env.resolve_path("a.yaml"), "/root/a.yaml");
        assert_eq!(env.resolve_path("/tmp/../etc/./x"), "/etc/x");
        assert_eq!(env.resolve_path("../../.."), "/");
        env.set_var("PWD", "/tmp");
        env.write_file("x", "1");
        env.append_file("/tmp/x", "2");
        assert_eq!(env.file("/tmp/x"), Some("12"));
        assert_eq!(env.files().collect::<Vec<_>>(), vec![("/tmp/x", "12")]);
        assert_eq!(env.remove_file("x").as_deref(), Some("12"));
        assert_eq!(env.file("x"), None);
    }

    #[test]
    fn defaults_without_new() {
        let env = Env::default();
        assert_eq!(env.home(), "/root");
        assert_eq!(env.cwd(), "/root");
        assert!(env.exported_vars().is_empty());
    }
}
