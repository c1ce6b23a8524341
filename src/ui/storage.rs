//! localStorage, never trusted: missing, blocked, full or corrupted storage gives a notice,
//! never a broken page.

use crate::lab::i18n::Lang;
use crate::lab::Saved;

const KEY: &str = "kubelab.lab.v1";
const LANG_KEY: &str = "kubelab.lang";
/// The lesson panel's state (`Guide::to_json`): the open lesson, progress in each.
const LESSONS_KEY: &str = "kubelab.lessons.v1";

pub enum Loaded {
    Saved(Saved),
    Nothing,
    Corrupt,
    Unavailable,
}

/// Where a save the page could not read is kept (never deleted: a later version may read it).
const UNREADABLE_KEY: &str = "kubelab.lab.v1.unreadable";

/// Moves the current save aside, so that starting afresh does not overwrite it.
pub fn keep_unreadable() {
    if let Some(s) = storage() {
        if let Ok(Some(text)) = s.get_item(KEY) {
            let _ = s.set_item(UNREADABLE_KEY, &text);
            let _ = s.remove_item(KEY);
        }
    }
}

/// Set when the module has panicked: from then on nothing is read or written, so that the
/// last good save stays for the overlay's download and the reload (index.html).
static STOPPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Stops all storage for the rest of this page's life.
pub fn stop() {
    STOPPED.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn storage() -> Option<web_sys::Storage> {
    if STOPPED.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether a lab is saved (readable or not), without reading it.
pub fn has_saved() -> bool {
    storage().is_some_and(|s| matches!(s.get_item(KEY), Ok(Some(_))))
}

pub fn load() -> Loaded {
    let Some(s) = storage() else { return Loaded::Unavailable };
    match s.get_item(KEY) {
        Ok(Some(text)) => match Saved::from_json(&text) {
            Ok(saved) => Loaded::Saved(saved),
            Err(_) => {
                keep_unreadable();
                Loaded::Corrupt
            }
        },
        Ok(None) => Loaded::Nothing,
        Err(_) => Loaded::Unavailable,
    }
}

/// Saves the lab; the notice to show when it could not.
pub fn save(saved: &Saved) -> Result<(), &'static str> {
    let Some(s) = storage() else { return Err("storage_off") };
    s.set_item(KEY, &saved.to_json()).map_err(|_| "storage_full")
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

pub fn load_lang() -> Option<Lang> {
    storage()?.get_item(LANG_KEY).ok().flatten().and_then(|c| Lang::from_code(&c))
}

pub fn save_lang(l: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, l.code());
    }
}

/// The lesson panel's saved state, if any.
pub fn load_lessons() -> Option<String> {
    storage()?.get_item(LESSONS_KEY).ok().flatten()
}

pub fn save_lessons(json: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(LESSONS_KEY, json);
    }
}
