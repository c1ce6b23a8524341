//! Guided lessons: a lesson is a YAML file (`lessons/NAME.yaml`, documented in
//! `lessons/README.md`) of steps, each with narration in Korean and English, the command lines
//! to type, checks over the cluster and the terminal that say when the step is done, and
//! optional predict-then-observe questions, objects to highlight and hints.
//!
//! `format` reads and checks a file (every mistake located: `lessons/NAME.yaml:LINE:COL:`),
//! `markdown` the narration's Markdown subset, `check` evaluates checks over a cluster,
//! `progress` is the learner's place in a lesson (saved by the page), `verify` replays a lesson
//! in a fresh cluster for `kubelab lesson check`, and `skeleton` writes a lesson from a replay
//! script for `kubelab lesson new`, `goal` draws a step's end as a picture; `index` is the site's list of lessons and `guide` the page's
//! lesson panel without the page (a state and its reducer). Plain Rust, no I/O: files come in
//! as text.

pub mod check;
pub mod format;
pub mod goal;
pub mod guide;
pub mod index;
pub mod markdown;
pub mod progress;
pub mod skeleton;
pub mod verify;

#[cfg(test)]
mod tests;

pub use check::{Check, ObjRef, Observed};
pub use format::{load, LessonError, Problem};
pub use markdown::{Block, Inline};
pub use progress::{Answer, Progress};

use crate::lab::i18n::Lang;

/// The same thing in Korean and in English.
#[derive(Clone, Debug, PartialEq)]
pub struct Both<T> {
    pub ko: T,
    pub en: T,
}

impl<T> Both<T> {
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }
}

/// A lesson, as its file describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Lowercase letters, digits and `-` (the page's `?lesson=ID`).
    pub id: String,
    pub title: Both<String>,
    /// One line for the lesson list.
    pub summary: Both<String>,
    /// Files the editor opens, as paths under `lessons/files/`
    /// (`examples/application/web/web.yaml`); the editor names each by its last part.
    pub files: Vec<String>,
    pub steps: Vec<Step>,
}

/// The editor's name for a lesson file: the last part of its path (`web.yaml`).
pub fn editor_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub say: Both<Vec<Block>>,
    /// Terminal lines the step's Run button types, in order.
    pub run: Vec<String>,
    /// All must hold for the step to be done.
    pub check: Vec<Check>,
    /// Asked before Run.
    pub predict: Vec<Predict>,
    /// Objects the diagram highlights during the step.
    pub highlight: Vec<ObjRef>,
    pub hints: Vec<Both<Vec<Block>>>,
    /// The checks may already hold before the step's commands run (a state to keep).
    pub keep: bool,
}

/// A predict-then-observe question.
#[derive(Clone, Debug, PartialEq)]
pub struct Predict {
    pub ask: Both<String>,
    pub choices: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub text: Both<String>,
    pub correct: bool,
    pub feedback: Option<Both<String>>,
}
