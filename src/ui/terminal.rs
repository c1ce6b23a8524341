//! The terminal pane: tabs, the scrollback the lab keeps, the prompt and the input line.

use super::{App, Msg, TERMINALS};
use crate::lab::Style;
use yew::prelude::*;

pub fn view(app: &App, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    let tabs = (0..TERMINALS).map(|t| {
        let busy = app.lab.busy(t);
        html! {
            <button role="tab" class="tab" aria-selected={(t == app.active_term).to_string()} data-testid={format!("terminal-tab-{t}")} onclick={link.callback(move |_| Msg::SelectTerm(t))}>
                { format!("{} {}", app.tr("terminal_n"), t + 1) }{ if busy { " ●" } else { "" } }
            </button>
        }
    });
    let t = app.active_term;
    let term = &app.lab.terms[t];
    // Each piece keeps its number while it is kept, so new text is added at the end and the
    // oldest is taken from the front without the pieces between being written again.
    // A piece of whole lines (it starts where a line starts and ends with its newline) is a
    // block of its own: text added to the last piece then lays out that piece again, not the
    // whole scrollback (one run of inline text of up to 256 KB cost 4-15 ms of layout per change).
    let mut at_line_start = true;
    let pieces = term.scrollback.iter().enumerate().map(|(i, (style, text))| {
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
    });
    // Keyed like the pieces, so that the pieces are a keyed list (a cut at the front moves
    // nothing, and the text after it is not written again).
    let cont = if app.pending[t].is_empty() {
        html! { <span key="pending" /> }
    } else {
        let lines = app.pending[t]
            .text()
            .split('\n')
            .enumerate()
            .map(|(i, l)| if i == 0 { format!("{l}\n") } else { format!("> {l}\n") })
            .collect::<String>();
        html! { <span key="pending"><span class="typed">{ lines }</span><span class="prompt">{ "> " }</span></span> }
    };
    // A fresh lab suggests the seed lab's first line (shown greyed; nothing is typed for you).
    let hint = if t == 0 && term.history.is_empty() && app.pending[t].is_empty() {
        "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"
    } else {
        ""
    };
    let oninput = link.callback(move |e: InputEvent| {
        let el: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::Input(t, el.value())
    });
    let onkeydown = link.callback(move |e: KeyboardEvent| Msg::Key(t, e));
    let focus = {
        let r = app.term_in[t].clone();
        Callback::from(move |_: MouseEvent| {
            // Clicking the screen focuses the input, unless the reader is selecting text to copy.
            let selecting =
                web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed());
            if let Some(el) = r.cast::<web_sys::HtmlElement>().filter(|_| !selecting) {
                let _ = el.focus();
            }
        })
    };
    let onscroll = link.callback(move |e: Event| {
        let el: web_sys::Element = e.target_unchecked_into();
        Msg::Scrolled(t, el.scroll_top() + el.client_height() >= el.scroll_height() - 4)
    });
    html! {
        <section class="pane terminal" aria-label={app.tr("terminal")}>
            <div class="tabs" role="tablist">{ for tabs }</div>
            <div class="screen" ref={app.term_out[t].clone()} onclick={focus} {onscroll}>
                <pre class="out-text" data-testid="terminal" aria-live="polite">{ for pieces }{ cont }</pre>
                <input class="line" data-testid="terminal-input" aria-label={app.tr("input_label")} autocomplete="off" autocapitalize="off" spellcheck="false" placeholder={hint}
                    ref={app.term_in[t].clone()} value={app.inputs[t].clone()} {oninput} {onkeydown} />
            </div>
        </section>
    }
}
