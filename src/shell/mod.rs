//! Terminal shell for Kubelab: parses one typed line (`syntax`, a hand-written
//! parser) and runs it with bash semantics, handing every non-builtin simple
//! command to a [`Host`].
//!
//! Supported: `;`, `&&`, `||`, `!`, `&` (runs synchronously: no job control),
//! newlines; pipes (`a | b` runs `a` to completion and feeds its stdout text to `b`;
//! every stage of a real pipe is a subshell); redirections into an in-memory file
//! map kept in [`Env`] (`>`, `>>`, `<`, `2>&1`, `>&2`, `&>`, `/dev/null`,
//! here-documents, here-strings); `for`, `for ((;;))`, `while`, `until`, `if`,
//! `case`, `[[ ]]`, `(( ))`, `{ }` and `( )`; assignments, `export`, `VAR=x cmd`;
//! `$VAR`, `${VAR...}` forms, `$?`, `$(...)`, backticks, `$((...))`, quoting,
//! backslashes, field splitting of unquoted expansions and `~`. No globbing: `*`
//! stays literal.
//!
//! Builtins: `echo`, `printf`, `true`, `false`, `:`, `exit` (sets
//! [`Env::exit_requested`]), `export`, `unset`, `cd` (only sets `PWD`), `pwd`,
//! `read`, `test`/`[`, `break`, `continue`. Everything else, `sleep` included, goes
//! to [`Host::run_with_env`], which by default calls [`Host::run`].
//!
//! Not supported (reported, status 2): function definitions, process substitution,
//! `coproc`, `=~`, and `<<` inside `$(...)`/`${...}`/nested `$((...))` (see
//! `guard`). Errors are printed as interactive bash prints them.
//!
//! No input makes this module panic, loop forever, overflow its stack or grow without bound:
//! nesting is limited to 24 levels, loops to [`MAX_LOOP_ITERATIONS`] iterations, a line to
//! [`MAX_COMMANDS`] simple commands, [`MAX_LINE`] bytes and [`MAX_WORK`] steps of work, and a
//! value (a variable, a word, a brace expansion, a pipe's text, a file) to [`MAX_TEXT`] bytes;
//! past a value's cap the line ends in the words the shell uses when malloc fails. A terminal
//! gathers an unfinished line with [`LineReader`], in time linear in its length.

mod arith;
mod builtins;
mod compound;
mod cond;
mod env;
mod exec;
mod expand;
pub mod files;
mod guard;
mod param;
mod parse;
pub(crate) mod pattern;
mod print;
mod reader;
mod redirect;
pub mod resume;
mod syntax;

pub use self::env::{Dialect, Env};
pub use self::parse::split_words;
pub use self::reader::LineReader;

/// Most iterations one `while`/`until`/`for ((;;))` loop may run before it is stopped.
pub const MAX_LOOP_ITERATIONS: u32 = 10_000;

/// Most simple commands (builtins and host calls) one line may run.
pub const MAX_COMMANDS: u32 = 100_000;

/// The work one line may do, in steps: a builtin is one step, a program [`PROGRAM_STEPS`], and
/// each 256 bytes of text the line expands, pipes or writes is one more.
pub const MAX_WORK: u64 = 500_000;

/// What running a program (anything that is not a builtin: kubectl, curl, the text tools) costs
/// of a line's work budget, in steps. A program parses its flags and reads the cluster or its
/// files: natively 2-15 µs a call against a builtin's half microsecond, so that a loop of
/// 100,000 `kubectl` calls (the command cap) ran for 1-2 s; at 50 steps a line runs at most
/// 10,000 programs.
pub const PROGRAM_STEPS: u64 = 50;

/// The longest line the shell reads (here-documents included), in bytes.
// k8s-diff: bash reads a line of any length; the lab refuses one past 4 MiB.
pub const MAX_LINE: usize = 4 << 20;

// k8s-diff: bash grows a string until malloc fails; the lab stops at 16 MiB (`MAX_TEXT`), in
// the words bash uses when malloc fails.
pub use crate::support::output::{Output, Stream, MAX_TEXT};

/// The host runs simple commands (kubectl, and anything else that is not a shell builtin).
pub trait Host {
    /// Run one simple command after expansion. `argv[0]` is the command name. `stdin` is the piped-in text if any.
    /// Writes to `out`, returns the exit status. The stdin text is offered, not
    /// consumed: a later command in a `while read` loop sees the same remaining input.
    fn run(&mut self, argv: &[String], stdin: Option<&str>, out: &mut Output) -> i32;

    /// Like [`Host::run`], with access to the shell's [`Env`]: its variables (with
    /// `VAR=x cmd` prefix assignments applied and marked exported for the duration of
    /// the call, see [`Env::exported_vars`]) and its in-memory files ([`Env::file`],
    /// [`Env::write_file`]). The shell always calls this method; the default
    /// implementation ignores `env` and calls [`Host::run`].
    fn run_with_env(&mut self, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> i32 {
        let _ = env;
        self.run(argv, stdin, out)
    }

    /// Whether `path` (absolute) is a directory where the shell runs; `None` when the host does
    /// not keep directories (then `cd` and redirects take any path).
    fn is_dir(&self, env: &Env, path: &str) -> Option<bool> {
        let _ = (env, path);
        None
    }

    /// A pipeline's command `downstream` of another (`grep` in `kubectl get -w | grep`) is about
    /// to run, or (false) the pipeline is done: a Ctrl-C that ended the first command ends the
    /// others only once they have read what it wrote.
    fn pipe_stage(&mut self, downstream: bool) {
        let _ = downstream;
    }

    /// How long the running process has slept since its current step began, in milliseconds
    /// (a container's main process sleeps on its own time; see [`resume::Script`]).
    fn slept(&self) -> u64 {
        0
    }
}

/// Run one terminal line. Returns the exit status of the line.
///
/// The status is also stored as `env.last_status` (`$?`). When the line runs `exit`,
/// `env.exit_requested` is set and the rest of the line is skipped.
pub fn run_line(line: &str, env: &mut Env, host: &mut dyn Host, out: &mut Output) -> i32 {
    if line.len() > MAX_LINE {
        // k8s-diff: bash reads a line of any length.
        out.err(&format!(
            "kubelab: this line is {} bytes long, past the lab's limit of {MAX_LINE}; it was not run\n",
            line.len()
        ));
        env.last_status = 2;
        return 2;
    }
    let status = match parse::parse_program(line) {
        Ok(parsed) => exec::Shell::new(env, host).run_program(&parsed, out),
        Err(err) => {
            out.err(&format!("bash: {err}\n"));
            2
        }
    };
    env.last_status = status;
    status
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(test)]
mod tests;
