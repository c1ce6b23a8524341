//! A pane as a component: it draws a part of the page (the terminal, the editor, the object
//! dialog, the lesson panel) from the shared `Page`, and is drawn again only when the key of
//! what it shows moved (`Page::terminal_key`, `Page::editor_key`, `Page::guide_version`), so a
//! clock tick that changed nothing of it leaves it alone. One component type for all of them:
//! each type costs the page code.

use super::Shared;
use crate::lab::i18n::Lang;
use crate::lab::page::{Action, EditorKey, TermKey};
use crate::sim::ObjKey;
use yew::prelude::*;

/// What a pane shows, as a key: equal keys draw the same pane.
#[derive(Clone, PartialEq)]
pub enum Shows {
    Terminal(TermKey),
    Editor(EditorKey),
    /// An object's YAML, read again when the model moved (`Page::lab_gen`, `Lab::changes`).
    Dialog(ObjKey, (u64, (u64, u64)), Lang),
    /// The lesson panel, drawn again when its guide changed (`Page::guide_version`) or the
    /// language did.
    Lesson(u64, Lang),
}

/// Where a pane's events go, and the elements the page reaches into (scrolling, focus).
#[derive(Clone, PartialEq)]
pub struct Refs {
    pub on: Callback<Action>,
    pub term_out: NodeRef,
    pub term_in: NodeRef,
    pub dialog_close: NodeRef,
}

#[derive(Properties)]
pub struct Props {
    pub page: Shared,
    pub shows: Shows,
    pub refs: Refs,
}

impl PartialEq for Props {
    fn eq(&self, o: &Props) -> bool {
        self.shows == o.shows
    }
}

#[function_component(Pane)]
pub fn pane(p: &Props) -> Html {
    let page = p.page.borrow();
    match &p.shows {
        Shows::Terminal(_) => super::terminal::view(&page, &p.refs),
        Shows::Editor(_) => super::editor::view(&page, &p.refs.on),
        Shows::Dialog(k, ..) => super::dialog::view(&page, k, &p.refs.on, &p.refs.dialog_close),
        Shows::Lesson(..) => super::lesson::view(&page, &p.refs.on),
    }
}
