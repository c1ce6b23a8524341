//! The terminal pane: tabs, the scrollback the lab keeps, the prompt and the input line. It
//! draws `lab::page` and sends its keys; the line editing is `lab::page::terminal`'s.

use super::pane::Refs;
use crate::lab::i18n::t;
use crate::lab::page::{claims, Action, Key, Page, TERMINALS};
use crate::lab::Style;
use yew::prelude::*;

/// The pieces of a terminal's scrollback, each keyed by its number.
fn pieces(term: &crate::lab::TermView) -> impl Iterator<Item = Html> + '_ {
    // Each piece keeps its number while it is kept, so new text is added at the end and the
    // oldest is taken from the front without the pieces between being written again.
    // A piece of whole lines (it starts where a line starts and ends with its newline) is a
    // block of its own: text added to the last piece then lays out that piece again, not the
    // whole scrollback (one run of inline text of up to 256 KB cost 4-15 ms of layout per change).
    let mut at_line_start = true;
    term.scrollback.iter().enumerate().map(move |(i, (style, text))| {
        let key = term.dropped + i;
        let lines = at_line_start && text.ends_with('\n');
        at_line_start = text.ends_with('\n');
        let class = match (style, lines) {
            (Style::Prompt, _) => "prompt",
            (Style::Input, false) => "typed",
            (Style::Input, true) => "typed lines",
            (Style::Out, false) => "out",
            (Style::Out, true) => "out lines",
            (Style::Err, false) => "err",
            (Style::Err, true) => "err lines",
        };
        if !text.contains('\x1b') {
            return html! { <span {key} {class}>{ text.clone() }</span> };
        }
        // Colours written as escape sequences (kubectl cluster-info).
        let spans = crate::lab::sgr_spans(text).into_iter().map(|(colour, piece)| {
            let class = if colour == 0 { class.to_string() } else { format!("{class} sgr-{colour}") };
            html! { <span class={class}>{ piece.to_string() }</span> }
        });
        html! { <span {key} class={lines.then_some("lines")}>{ for spans }</span> }
    })
}

/// The terminal pane of the page `page` (drawn by `pane::Pane` when its key moved).
pub fn view(page: &Page, r: &Refs) -> Html {
    let (lang, on) = (page.lang, &r.on);
    let n = page.active_term;
    let tabs = (0..TERMINALS).map(|i| {
        let busy = page.lab.busy(i);
        html! {
            <button role="tab" class="tab" aria-selected={(i == n).to_string()} data-testid={format!("terminal-tab-{i}")} onclick={on.reform(move |_| Action::SelectTerm(i))}>
                { format!("{} {}", t(lang, "terminal_n"), i + 1) }{ if busy { " ●" } else { "" } }
            </button>
        }
    });
    let term = &page.lab.terms[n];
    let pending = &page.terms[n].pending;
    // Keyed like the pieces, so that the pieces are a keyed list (a cut at the front moves
    // nothing, and the text after it is not written again).
    let cont = if pending.is_empty() {
        html! { <span key="pending" /> }
    } else {
        let lines = pending
            .text()
            .split('\n')
            .enumerate()
            .map(|(i, l)| if i == 0 { format!("{l}\n") } else { format!("> {l}\n") })
            .collect::<String>();
        html! { <span key="pending"><span class="typed">{ lines }</span><span class="prompt">{ "> " }</span></span> }
    };
    // A fresh lab suggests the seed lab's first line (shown greyed; nothing is typed for you).
    let hint = if n == 0 && term.history.is_empty() && pending.is_empty() {
        "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"
    } else {
        ""
    };
    let oninput = on.reform(move |e: InputEvent| {
        let el: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::Input(n, el.value())
    });
    let onkeydown = on.reform(move |e: KeyboardEvent| {
        let el: web_sys::HtmlInputElement = e.target_unchecked_into();
        let key = Key { key: e.key(), ctrl: e.ctrl_key(), shift: e.shift_key() };
        if claims(&key, &el.value()) {
            e.prevent_default();
        }
        Action::Key(n, key)
    });
    let focus = {
        let r = r.term_in.clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the screen focuses the input, unless the reader is selecting text to copy.
            let selecting =
                web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed());
            if let Some(el) = r.cast::<web_sys::HtmlElement>().filter(|_| !selecting) {
                let _ = el.focus();
            }
        })
    };
    let onscroll = on.reform(move |e: Event| {
        let el: web_sys::Element = e.target_unchecked_into();
        Action::Scrolled(n, el.scroll_top() + el.client_height() >= el.scroll_height() - 4)
    });
    html! {
        <section class="pane terminal" aria-label={t(lang, "terminal")}>
            <div class="tabs" role="tablist">
                { for tabs }
                <button class="save-lesson" data-testid="save-lesson" title={t(lang, "save_lesson_title")} onclick={on.reform(|_| Action::SaveLesson)}>{ t(lang, "save_lesson") }</button>
            </div>
            <div class="screen" ref={r.term_out.clone()} onclick={focus} {onscroll}>
                <pre class="out-text" data-testid="terminal" aria-live="polite">{ for pieces(term) }{ cont }</pre>
                <input class="line" data-testid="terminal-input" aria-label={t(lang, "input_label")} autocomplete="off" autocapitalize="off" spellcheck="false" placeholder={hint}
                    ref={r.term_in.clone()} value={page.terms[n].input.clone()} {oninput} {onkeydown} />
            </div>
        </section>
    }
}
