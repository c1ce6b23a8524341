//! A learner's place in a lesson: the step shown, the furthest step reached, the steps done,
//! the answers given to the predict questions, and where each terminal's output stood when the
//! step began (so an `output` check sees only what the step printed). It is saved as JSON by the
//! page and read back against the lesson, never trusted.
//!
//! A share link or `?lesson=ID&step=N` shows its step without lowering what the learner
//! reached: the lesson opened again without a step opens at the furthest step reached. Only
//! the learner's own Restart (or a lesson chosen afresh from the list) starts over.

use super::check::Observed;
use super::{Choice, Lesson};
use crate::jv;
use crate::lab::Lab;
use serde_json::Value;

/// An answer to a predict question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub step: usize,
    pub question: usize,
    pub choice: usize,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Progress {
    /// The lesson's id.
    pub lesson: String,
    /// The current step, the one shown (from 0).
    pub step: usize,
    /// The furthest step the learner reached (Next), never lowered by a step asked for.
    pub reached: usize,
    /// The steps whose checks all held once, in order.
    pub done: Vec<usize>,
    pub answers: Vec<Answer>,
    /// Each terminal's output count when the current step began (`Lab::printed`).
    pub marks: Vec<u64>,
}

impl Progress {
    /// The start of a lesson, with the terminals' output counts now.
    pub fn new(lesson: &Lesson, marks: Vec<u64>) -> Progress {
        Progress { lesson: lesson.id.clone(), marks, ..Progress::default() }
    }

    pub fn is_done(&self, step: usize) -> bool {
        self.done.binary_search(&step).is_ok()
    }

    /// Whether every step is done.
    pub fn finished(&self, lesson: &Lesson) -> bool {
        (0..lesson.steps.len()).all(|s| self.is_done(s))
    }

    /// Whether each check of the current step holds now.
    pub fn checks(&self, lesson: &Lesson, o: &Observed) -> Vec<bool> {
        lesson.steps.get(self.step).map_or(Vec::new(), |s| s.check.iter().map(|c| c.holds(o)).collect())
    }

    /// Evaluates the current step's checks; when all hold, the step is done (and stays done).
    pub fn update(&mut self, lesson: &Lesson, o: &Observed) -> Vec<bool> {
        let held = self.checks(lesson, o);
        if !held.is_empty() && held.iter().all(|h| *h) {
            mark_done(&mut self.done, self.step);
        }
        held
    }

    /// `update` over a page's lab: its cluster, and what its terminals printed since the step
    /// began.
    pub fn update_lab(&mut self, lesson: &Lesson, lab: &Lab) -> Vec<bool> {
        let output = lab.output_since(&self.marks);
        let o = Observed { sim: &lab.session.sim, namespace: lab.session.namespace(), output: &output };
        self.update(lesson, &o)
    }

    /// Moves on to the next step once the current one is done; false otherwise (or at the end).
    pub fn next(&mut self, lesson: &Lesson, marks: Vec<u64>) -> bool {
        if !self.is_done(self.step) || self.step + 1 >= lesson.steps.len() {
            return false;
        }
        self.go_to(lesson, self.step + 1, marks);
        true
    }

    /// Opens a step (`?step=N`, a share link, Next): its output is counted from now. What
    /// the learner reached is not lowered.
    pub fn go_to(&mut self, lesson: &Lesson, step: usize, marks: Vec<u64>) {
        self.step = step.min(lesson.steps.len().saturating_sub(1));
        self.reached = self.reached.max(self.step);
        self.marks = marks;
    }

    /// The first step again, the learner's choice (a lesson chosen afresh from the list): what
    /// was reached starts over too; the steps done and the answers stay.
    pub fn start_over(&mut self, lesson: &Lesson, marks: Vec<u64>) {
        self.reached = 0;
        self.go_to(lesson, 0, marks);
    }

    /// Answers question `question` of the current step with choice `choice` (a second answer
    /// replaces the first); the choice, for its feedback, or `None` when there is no such.
    pub fn answer<'l>(&mut self, lesson: &'l Lesson, question: usize, choice: usize) -> Option<&'l Choice> {
        let c = lesson.steps.get(self.step)?.predict.get(question)?.choices.get(choice)?;
        self.answers.retain(|a| !(a.step == self.step && a.question == question));
        self.answers.push(Answer { step: self.step, question, choice });
        Some(c)
    }

    /// The choice given to a question, if any.
    pub fn answer_of(&self, step: usize, question: usize) -> Option<usize> {
        self.answers.iter().find(|a| a.step == step && a.question == question).map(|a| a.choice)
    }

    pub fn to_json(&self) -> String {
        let answers: Vec<Value> = self.answers.iter().map(|a| jv!([a.step, a.question, a.choice])).collect();
        jv!({
            "version": 1, "lesson": self.lesson, "step": self.step, "reached": self.reached, "done": self.done,
            "answers": answers, "marks": self.marks,
        })
        .to_string()
    }

    /// Reads what `to_json` wrote, for `lesson`: anything else, or a save that does not fit
    /// the lesson (another lesson, a step or answer it does not have), is an error.
    pub fn from_json(text: &str, lesson: &Lesson) -> Result<Progress, String> {
        let v = crate::support::yaml::parse(text).map_err(|e| e.to_string())?;
        let bad = |what: &str| format!("saved lesson progress: {what} is missing or malformed");
        let index = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
        let indexes = |k: &str| -> Result<Vec<usize>, String> {
            let list = v.get(k).and_then(Value::as_array).ok_or_else(|| bad(k))?;
            list.iter().map(index).collect::<Option<Vec<_>>>().ok_or_else(|| bad(k))
        };
        if v.get("version").and_then(Value::as_u64) != Some(1) {
            return Err(bad("version"));
        }
        if v.get("lesson").and_then(Value::as_str) != Some(lesson.id.as_str()) {
            return Err(format!("saved lesson progress is not for lesson {}", lesson.id));
        }
        let steps = lesson.steps.len();
        let step = v.get("step").and_then(index).filter(|s| *s < steps).ok_or_else(|| bad("step"))?;
        // Saves made before `reached` was kept reached their step.
        let reached = match v.get("reached") {
            None => step,
            Some(r) => index(r).filter(|r| *r < steps).ok_or_else(|| bad("reached"))?.max(step),
        };
        let mut done = Vec::new();
        for d in indexes("done")? {
            if d >= steps {
                return Err(bad("done"));
            }
            mark_done(&mut done, d);
        }
        let answers = v
            .get("answers")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(|x| answer(x, lesson)).collect::<Option<Vec<_>>>())
            .ok_or_else(|| bad("answers"))?;
        let marks = v.get("marks").and_then(Value::as_array).ok_or_else(|| bad("marks"))?;
        let marks = marks.iter().map(Value::as_u64).collect::<Option<Vec<_>>>().ok_or_else(|| bad("marks"))?;
        Ok(Progress { lesson: lesson.id.clone(), step, reached, done, answers, marks })
    }
}

/// Adds a step to the sorted list of steps done (once).
fn mark_done(done: &mut Vec<usize>, step: usize) {
    if let Err(at) = done.binary_search(&step) {
        done.insert(at, step);
    }
}

/// `[step, question, choice]`, if the lesson has that choice.
fn answer(v: &Value, lesson: &Lesson) -> Option<Answer> {
    let n: Vec<usize> =
        v.as_array()?.iter().map(|x| x.as_u64().and_then(|n| usize::try_from(n).ok())).collect::<Option<_>>()?;
    let [step, question, choice] = n.as_slice() else { return None };
    lesson.steps.get(*step)?.predict.get(*question)?.choices.get(*choice)?;
    Some(Answer { step: *step, question: *question, choice: *choice })
}
