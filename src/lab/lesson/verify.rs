//! `kubelab lesson check`: a lesson replayed in a fresh seeded cluster, step by step. Before a
//! step's lines run, none of its checks may hold (a check that already holds proves nothing,
//! unless the step says `keep: true`); the lines then run as `kubelab replay` runs them, and
//! virtual time passes a second at a time until every check holds, or the step fails.

use super::check::Observed;
use super::Lesson;
use crate::lab::session::Session;
use crate::sim::SimConfig;

/// Longest virtual time a step may take to reach its checks after its lines ran.
pub const WAIT_LIMIT_MS: u64 = 5 * 60_000;

/// Why a lesson failed its check. Steps and checks are counted from 1.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum VerifyError {
    #[error("{file}: check {check} of step {step} holds before its commands run ({what}); a check must show what the step changed (or mark the step keep: true)")]
    Vacuous { file: String, step: usize, check: usize, what: String },
    #[error("{file}: check {check} of step {step} ({what}) does not hold {waited} after its commands ran: {seen}")]
    NeverHolds { file: String, step: usize, check: usize, what: String, waited: String, seen: String },
    #[error("{file}: the lesson opens {name}, which is not in lessons/files/")]
    MissingFile { file: String, name: String },
}

/// What a lesson's replay came to.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub steps: usize,
    /// Virtual milliseconds the whole lesson took.
    pub took_ms: u64,
}

/// Replays `lesson` (read from `file`) in a fresh cluster of `seed`, with its editor files read
/// by `files` (a name in `lessons/files/` → its text), and checks every step.
pub fn verify(
    file: &str,
    lesson: &Lesson,
    files: &dyn Fn(&str) -> Option<String>,
    seed: u64,
) -> Result<Verified, VerifyError> {
    let mut session = Session::new(SimConfig::seeded(seed));
    for name in &lesson.files {
        let text = files(name).ok_or_else(|| VerifyError::MissingFile { file: file.into(), name: name.clone() })?;
        session.write_file(super::editor_name(name), &text);
    }
    for (i, step) in lesson.steps.iter().enumerate() {
        if !step.keep {
            let o = Observed::of(&session, "");
            if let Some(c) = step.check.iter().position(|c| c.holds(&o)) {
                let what = step.check[c].to_string();
                return Err(VerifyError::Vacuous { file: file.into(), step: i + 1, check: c + 1, what });
            }
        }
        let mut output = String::new();
        for line in &step.run {
            output.push_str(&session.run_line(line).0.text());
        }
        wait_for_checks(&mut session, step, &output).map_err(|(c, seen)| VerifyError::NeverHolds {
            file: file.into(),
            step: i + 1,
            check: c + 1,
            what: step.check[c].to_string(),
            waited: crate::support::duration::human_duration_ms(WAIT_LIMIT_MS as i64),
            seen,
        })?;
    }
    Ok(Verified { steps: lesson.steps.len(), took_ms: session.sim.now().ms() })
}

/// Lets virtual time pass a second at a time until every check of the step holds; when one
/// never does, its number and what it saw.
fn wait_for_checks(session: &mut Session, step: &super::Step, output: &str) -> Result<(), (usize, String)> {
    let mut waited = 0;
    loop {
        let o = Observed::of(session, output);
        let failed = step.check.iter().enumerate().find_map(|(i, c)| c.observe(&o).err().map(|e| (i, e)));
        match failed {
            None => return Ok(()),
            Some(f) if waited >= WAIT_LIMIT_MS => return Err(f),
            Some(_) => {
                session.sleep(1000);
                waited += 1000;
            }
        }
    }
}

/// Why a lesson file failed `kubelab lesson check`: it does not read, or its replay fails.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Format(#[from] super::LessonError),
    #[error(transparent)]
    Replay(#[from] VerifyError),
}

/// Reads a lesson file and replays it: what `kubelab lesson check` does with each file.
pub fn check_file(
    file: &str,
    text: &str,
    files: &dyn Fn(&str) -> Option<String>,
    seed: u64,
) -> Result<Verified, CheckError> {
    let lesson = super::load(file, text)?;
    Ok(verify(file, &lesson, files, seed)?)
}
