//! The list of lessons the site serves: `lessons/index.json`, kept beside the lesson files and
//! fetched by the page (lesson files are fetched, not compiled in). Each entry carries what the
//! lesson list shows without opening the lesson: its id, file, title, summary and step count.
//! `kubelab lesson index` writes it from the files; `tests/lesson_panel.rs` checks it against
//! the folder.

use super::{Both, Lesson};
use crate::jv;
use serde_json::Value;

/// One lesson of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    /// The file's name in `lessons/` (`seed-lab.yaml`).
    pub file: String,
    pub title: Both<String>,
    pub summary: Both<String>,
    pub steps: usize,
}

impl Entry {
    /// The entry of a lesson read from `file`.
    pub fn of(file: &str, lesson: &Lesson) -> Entry {
        Entry {
            id: lesson.id.clone(),
            file: file.to_string(),
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            steps: lesson.steps.len(),
        }
    }
}

/// The index as JSON text, one entry a line (what `kubelab lesson index` prints).
pub fn to_json(entries: &[Entry]) -> String {
    let both = |b: &Both<String>| jv!({ "ko": b.ko, "en": b.en });
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            jv!({ "id": e.id, "file": e.file, "steps": e.steps, "title": both(&e.title), "summary": both(&e.summary) })
                .to_string()
        })
        .collect();
    format!("{{\"lessons\": [\n  {}\n]}}\n", lines.join(",\n  "))
}

/// Reads what `to_json` wrote; anything else is an error, never a panic.
pub fn read(text: &str) -> Result<Vec<Entry>, String> {
    let v = crate::support::yaml::parse(text).map_err(|e| format!("lessons/index.json: {e}"))?;
    let list = v.get("lessons").and_then(Value::as_array).ok_or("lessons/index.json: no \"lessons\" list")?;
    list.iter()
        .enumerate()
        .map(|(i, e)| entry(e).ok_or_else(|| format!("lessons/index.json: entry {} is malformed", i + 1)))
        .collect()
}

fn entry(v: &Value) -> Option<Entry> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let both = |k: &str| -> Option<Both<String>> {
        let b = v.get(k)?;
        Some(Both { ko: s(b, "ko")?, en: s(b, "en")? })
    };
    let file = s(v, "file")?;
    // A name in lessons/, nothing that climbs out of it.
    if file.contains('/') || file.starts_with('.') {
        return None;
    }
    Some(Entry {
        id: s(v, "id")?,
        file,
        title: both("title")?,
        summary: both("summary")?,
        steps: usize::try_from(v.get("steps")?.as_u64()?).ok()?,
    })
}

/// The index of a folder's lesson files (name in `lessons/`, text): in the order of the index
/// it had (`existing`), then the new files by name. A file that does not read is an error.
pub fn build(existing: Option<&str>, files: &[(String, String)]) -> Result<Vec<Entry>, super::LessonError> {
    let order: Vec<String> =
        existing.and_then(|t| read(t).ok()).unwrap_or_default().into_iter().map(|e| e.file).collect();
    let rank = |f: &str| order.iter().position(|o| o == f).unwrap_or(usize::MAX);
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    sorted
        .into_iter()
        .map(|(name, text)| super::load(&format!("lessons/{name}"), text).map(|l| Entry::of(name, &l)))
        .collect()
}
