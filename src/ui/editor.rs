//! The YAML editor pane: file tabs, line numbers, colouring, and the diagnostics
//! `kubectl apply` would give, refreshed as you type. It draws `lab::page` and sends its
//! edits; the files' state is `lab::page`'s.

use crate::lab::i18n::t;
use crate::lab::page::{Action, Page};
use crate::manifest::highlight::{self, Tok};
use yew::prelude::*;

/// The editor pane of the page `page` (drawn by `pane::Pane` when its key moved).
pub fn view(page: &Page, on: &Callback<Action>) -> Html {
    let lang = page.lang;
    let tabs = page.lab.files.iter().enumerate().map(|(i, (name, _))| {
        html! { <button role="tab" class="tab" aria-selected={(i == page.active_file).to_string()} data-testid={format!("file-tab-{name}")} onclick={on.reform(move |_| Action::SelectFile(i))}>{ name.clone() }</button> }
    });
    let (name, text) = page.lab.files.get(page.active_file).cloned().unwrap_or_default();
    let diags = &page.diags;
    let lines: Vec<&str> = text.split('\n').collect();
    // An element only where it is styled (a line with a problem, a coloured piece), each run
    // of the rest one text: fewer nodes to lay out, on the live page as in its first view.
    let bad = |n: usize| diags.iter().any(|d| d.line == n);
    let numbers =
        highlight::runs((1..=lines.len()).map(|n| (if bad(n) { Tok::Key } else { Tok::Plain }, format!("{n}\n"))))
            .into_iter()
            .map(|(t, s)| {
                if t == Tok::Plain {
                    html! { { s } }
                } else {
                    html! { <span class="ln bad">{ s }</span> }
                }
            });
    let coloured = lines.iter().enumerate().map(|(i, l)| {
        let toks = highlight::runs(highlight::line(l).into_iter().chain([(Tok::Plain, "\n".to_string())]))
            .into_iter()
            .map(|(t, s)| {
                if t == Tok::Plain {
                    html! { { s } }
                } else {
                    html! { <span class={t.class()}>{ s }</span> }
                }
            });
        if bad(i + 1) {
            html! { <span class="code-line bad">{ for toks }</span> }
        } else {
            html! { <>{ for toks }</> }
        }
    });
    let list = if diags.is_empty() {
        html! { <li class="ok">{ t(lang, "no_problems") }</li> }
    } else {
        html! { <>{ for diags.iter().map(|d| html! { <li>{ format!("{name}:{}:{}: {}", d.line, d.column, d.text) }</li> }) }</> }
    };
    let oninput = on.reform(|e: InputEvent| {
        let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        Action::Edit(el.value(), caret_line(&el))
    });
    let caret = on.reform(|e: Event| {
        let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        Action::Caret(caret_line(&el))
    });
    let caret_keys = caret.reform(|e: KeyboardEvent| e.into());
    let caret_click = caret.reform(|e: MouseEvent| e.into());
    // The problems of the caret's line, right under it (the full list is below the editor).
    let peek = diags.iter().filter(|d| d.line == page.caret_line).map(|d| {
        html! { <div class="peek" data-testid="diagnostic-peek" style={format!("top: calc(6px + {}px)", d.line * 18)} role="note">{ format!("{}:{} {}", d.line, d.column, d.text) }</div> }
    });
    let new_name = on.reform(|e: InputEvent| {
        let el: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::NewFileName(el.value())
    });
    let add_key = super::on_key(on, "Enter", || Action::AddFile);
    html! {
        <section class="pane editor" aria-label={t(lang, "editor")}>
            <div class="tabs" role="tablist">
                { for tabs }
                <span class="new-file">
                    <input data-testid="new-file-name" placeholder={t(lang, "file_name")} aria-label={t(lang, "file_name")} value={page.new_file.clone()} oninput={new_name} onkeydown={add_key} />
                    <button data-testid="new-file" onclick={on.reform(|_| Action::AddFile)}>{ "+ " }{ t(lang, "new_file") }</button>
                </span>
                <button class="apply" data-testid="apply" onclick={on.reform(|_| Action::Apply)}>{ t(lang, "apply") }</button>
            </div>
            <div class="code">
                <pre class="gutter" aria-hidden="true">{ for numbers }</pre>
                <div class="code-stack">
                    <pre class="colour" aria-hidden="true">{ for coloured }</pre>
                    <textarea data-testid="yaml-editor" aria-label={t(lang, "editor_label")} spellcheck="false" autocapitalize="off" value={text.clone()} {oninput} onkeyup={caret_keys} onclick={caret_click} />
                    { for peek }
                </div>
            </div>
            <ul class="diagnostics" data-testid="diagnostics" aria-live="polite">{ list }</ul>
        </section>
    }
}

/// The 1-based line of a textarea's caret.
fn caret_line(el: &web_sys::HtmlTextAreaElement) -> usize {
    let at = el.selection_start().ok().flatten().unwrap_or(0) as usize;
    // selectionStart counts UTF-16 units.
    let text: Vec<u16> = el.value().encode_utf16().collect();
    1 + text[..at.min(text.len())].iter().filter(|&&c| c == u16::from(b'\n')).count()
}
