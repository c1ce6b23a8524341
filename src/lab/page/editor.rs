//! The editor's files, without the page: the open file, its text as typed and what
//! `kubectl apply` would refuse in it, new files, and the buttons that apply a file where it
//! can be seen (Apply, Deployment beside StatefulSet).

use super::Page;

/// `kubectl apply -f NAME`, with the name quoted for the shell when it needs it.
pub fn apply_line(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)) {
        format!("kubectl apply -f {name}")
    } else {
        format!("kubectl apply -f '{}'", name.replace('\'', "'\\''"))
    }
}

/// Whether a new file may have this name: not empty, at most 64 bytes, letters (of any
/// script), digits and `._-`.
fn file_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) || "._-".contains(c))
}

impl Page {
    /// The open file's diagnostics again.
    pub fn refresh_diags(&mut self) {
        self.diags = match self.lab.files.get(self.active_file) {
            Some((name, text)) => crate::kubectl::apply::diagnose(name, text),
            None => Vec::new(),
        };
    }

    /// The open file's new text: its diagnostics again, saved at once.
    pub(super) fn on_edit(&mut self, text: String) -> bool {
        if let Some(f) = self.lab.files.get_mut(self.active_file) {
            f.1 = text;
        }
        self.refresh_diags();
        self.dirty = true;
        self.save();
        true
    }

    /// Adds the file named in the new-file box (or opens it when it exists); a name that
    /// `file_name_ok` refuses is ignored.
    #[inline(never)]
    pub(super) fn on_add_file(&mut self) -> bool {
        let name = self.new_file.trim().to_string();
        if !file_name_ok(&name) {
            return false;
        }
        if !self.lab.files.iter().any(|(n, _)| *n == name) {
            self.lab.set_file(&name, "");
        }
        self.show_file(&name);
        self.new_file.clear();
        self.dirty = true;
        true
    }

    /// Opens the file named `name`, if there is one.
    fn show_file(&mut self, name: &str) {
        self.active_file = self.lab.files.iter().position(|(n, _)| *n == name).unwrap_or(0);
        self.refresh_diags();
    }

    /// Apply: `kubectl apply -f` the open file, typed where it can be seen.
    #[inline(never)]
    pub(super) fn on_apply(&mut self) -> bool {
        if let Some((name, _)) = self.lab.files.get(self.active_file).cloned() {
            self.run_visibly(&apply_line(&name));
        }
        true
    }

    /// Opens the comparison manifest (added unless the learner has it) and applies it where
    /// it can be seen.
    #[inline(never)]
    pub(super) fn on_compare(&mut self) -> bool {
        let (name, text) = crate::lab::compare_file();
        // The learner's own edits to the file stay.
        if !self.lab.files.iter().any(|(n, _)| *n == name) {
            self.lab.set_file(&name, &text);
        }
        self.show_file(&name);
        self.run_visibly(&apply_line(&name));
        true
    }
}
