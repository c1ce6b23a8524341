//! The lessons the site serves: `lessons/index.txt` names them in the order the lesson list
//! shows them (one file of `lessons/` a line; `tests/lessons.rs` checks it against the
//! folder). The page fetches it, and the lesson files themselves when the list is opened or a
//! lesson is: lessons are not compiled in.

use super::{Both, Lesson};

/// Address of the index, relative to the page.
pub const INDEX_URL: &str = "lessons/index.txt";

/// One lesson of the list, as its file describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: Both<String>,
    pub summary: Both<String>,
    pub steps: usize,
}

impl Entry {
    pub fn of(lesson: &Lesson) -> Entry {
        Entry {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            steps: lesson.steps.len(),
        }
    }
}

/// The file names `index.txt` lists, in order (blank lines and `#` comments skipped). A line
/// that is not the name of a `.yaml` file in `lessons/` is an error, never a path elsewhere.
pub fn read(text: &str) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        let plain = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !plain || name.starts_with('.') || !name.ends_with(".yaml") {
            return Err(format!("{INDEX_URL}:{}: \"{name}\" is not a lesson file of lessons/", i + 1));
        }
        files.push(name.to_string());
    }
    Ok(files)
}
