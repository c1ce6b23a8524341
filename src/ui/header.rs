//! The page's header: the title, the panes' toggles, Lessons, Share, Deployment beside StatefulSet,
//! the language and Reset.

use crate::lab::i18n::t;
use crate::lab::lesson::guide;
use crate::lab::page::{Action, Page, PANES};
use yew::prelude::*;

/// The header of the page `p`; its buttons send to `on` (`share` is the Share button, `embed`
/// the Copy embed code button and its code).
pub fn view(p: &Page, on: &Callback<Action>, share: Html, embed: Html) -> Html {
    let lang = p.lang;
    let open = p.guide.borrow().open;
    let toggles = PANES.iter().map(|&pane| {
        let pressed = p.shown(pane);
        html! { <button class="toggle" aria-pressed={pressed.to_string()} onclick={on.reform(move |_| Action::TogglePane(pane))}>{ t(lang, pane.key()) }</button> }
    });
    html! {
        <header class="bar">
            <h1>{ t(lang, "title") }<small>{ t(lang, "tagline") }</small></h1>
            <nav class="tools" aria-label={t(lang, "panes")}>
                { for toggles }
                <button data-testid="lessons" aria-pressed={open.to_string()} onclick={on.reform(move |_| Action::Lesson(guide::Action::Show(!open)))}>{ t(lang, "lessons") }</button>
                { share }
                <button data-testid="compare" onclick={on.reform(|_| Action::Compare)}>{ t(lang, "compare") }</button>
                <button data-testid="lang" aria-label={t(lang, "language_label")} onclick={on.reform(|_| Action::ToggleLang)}>{ t(lang, "language") }</button>
                <button data-testid="reset" onclick={on.reform(|_| Action::AskReset)}>{ t(lang, "reset") }</button>
                { embed }
            </nav>
        </header>
    }
}
