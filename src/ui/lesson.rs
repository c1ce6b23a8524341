//! The lesson panel: the lesson list with each lesson's progress, the current step's
//! narration (the Markdown subset as text nodes, never HTML), its predict questions, the lines
//! Run types into the terminal, and Check, Next, Hint, Restart. It draws a `Guide` and sends
//! its `Action`s; `lab::page` carries out the effects. Also the page's fetch of lesson files.

use crate::lab::i18n::{t, Lang};
use crate::lab::lesson::guide::{Action, Guide, Target};
use crate::lab::lesson::{Block, Inline, Lesson, Predict, Step};
use crate::lab::page::{self, Page};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The panel, drawn by the page's `Pane` component: again only when the guide changed (the
/// page counts each action it reduces), or the language did (`Shows::Lesson`).
pub fn view(page: &Page, on: &Callback<page::Action>) -> Html {
    let guide = page.guide.borrow();
    let (g, lang) = (&*guide, page.lang);
    let on = &on.reform(page::Action::Lesson);
    let send = |a: Action| {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(a.clone()))
    };
    let title = g.lesson.as_ref().map_or(t(lang, "lessons"), |l| l.title.get(lang).as_str());
    html! {
        <aside class="lesson" data-testid="lesson-panel" aria-label={t(lang, "lesson_panel")}>
            <div class="lesson-head">
                <h2>{ title }</h2>
                { button("", "lesson-close", false, t(lang, "playground"), send(Action::Show(false))) }
            </div>
            if let Some(e) = &g.error {
                <div class="lesson-error" role="alert" data-testid="lesson-error">
                    <p>{ t(lang, "lesson_error") }</p>
                    <pre>{ e.clone() }</pre>
                </div>
            }
            if g.loading() {
                <p class="muted" role="status">{ t(lang, "loading") }</p>
            }
            { list(g, lang, on) }
            if let (Some(l), Some(step)) = (&g.lesson, g.step()) {
                { step_view(g, l, step, lang, on) }
            }
        </aside>
    }
}

/// The lesson list: each lesson with its steps done; a click opens it in a fresh cluster.
fn list(g: &Guide, lang: Lang, on: &Callback<Action>) -> Html {
    let open = g.list_open;
    let toggle = on.reform(move |_: MouseEvent| Action::List(!open));
    let current = g.lesson.as_ref().map(|l| l.id.as_str());
    let items = g.entries.iter().map(|(file, e)| {
        let Ok(e) = e else {
            let what = e.as_ref().err().filter(|w| !w.is_empty()).map_or(file.clone(), Clone::clone);
            return html! { <li class="muted">{ what }</li> };
        };
        let done = g.done_count(&e.id);
        let here = current == Some(e.id.as_str());
        let id = e.id.clone();
        let open = on.reform(move |_: MouseEvent| Action::Open { target: Target::Id(id.clone()), step: None, fresh: true });
        let words = t(lang, "steps_done").replace("{d}", &done.to_string()).replace("{n}", &e.steps.to_string());
        html! {
            <li>
                <button class="lesson-item" data-testid={format!("lesson-open-{}", e.id)} aria-current={here.then_some("true")} disabled={here} onclick={open}>
                    <strong>{ e.title.get(lang).clone() }</strong>
                    <span class="muted">{ e.summary.get(lang).clone() }</span>
                    <span class="lesson-progress" data-testid={format!("lesson-progress-{}", e.id)}>
                        { words }
                    </span>
                </button>
            </li>
        }
    });
    html! {
        <>
            <button class="lesson-list-toggle" data-testid="lesson-list" aria-expanded={open.to_string()} onclick={toggle}>{ if open { "▾ " } else { "▸ " } }{ t(lang, "lesson_list") }</button>
            if let Some(e) = &g.index_error {
                <p class="lesson-error" role="alert">{ e.clone() }</p>
            }
            if open {
                <ol class="lesson-list">{ for items }</ol>
            }
        </>
    }
}

fn step_view(g: &Guide, l: &Lesson, step: &Step, lang: Lang, on: &Callback<Action>) -> Html {
    let steps = l.steps.len();
    let send = |a: Action| {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(a.clone()))
    };
    let n = g.progress.step;
    let done = g.progress.is_done(n);
    let of = t(lang, "step_of").replace("{s}", &(n + 1).to_string()).replace("{n}", &steps.to_string());
    let questions = step.predict.iter().enumerate().map(|(q, p)| question(g, p, q, lang, on));
    let hints =
        step.hints.iter().take(g.hints).map(|h| html! { <div class="hint" role="note">{ blocks(h.get(lang)) }</div> });
    let checks = g.check_list().into_iter().enumerate().map(|(i, (held, text))| {
        // A check not shown yet is named by its number only (`Guide::check_list`).
        let what = match text {
            Some(text) => html! { <code>{ text }</code> },
            None => {
                html! { <span class="muted">{ t(lang, "check_waits").replace("{n}", &(i + 1).to_string()) }</span> }
            }
        };
        html! { <li class={if held { "held" } else { "unheld" }}>{ if held { "✓ " } else { "✗ " } }{ what }</li> }
    });
    let status = if g.progress.finished(l) && n + 1 == steps {
        t(lang, "lesson_done")
    } else if done {
        t(lang, "step_done")
    } else {
        t(lang, "step_waiting")
    };
    html! {
        <section class="lesson-step" data-testid="lesson-step" data-step={(n + 1).to_string()} data-done={done.to_string()}>
            <p class="step-of">{ of }</p>
            <div class="say">{ blocks(step.say.get(lang)) }</div>
            { for questions }
            if !step.run.is_empty() {
                <div class="run-lines">
                    <pre><code>{ step.run.join("\n") }</code></pre>
                    { button("primary", "lesson-run", false, &format!("▶ {}", t(lang, "run")), send(Action::Run)) }
                </div>
            }
            { for hints }
            if g.checked {
                <ul class="checks" data-testid="lesson-checks">{ for checks }</ul>
            }
            <p class="lesson-status" role="status" aria-live="polite">{ status }</p>
            <div class="lesson-nav">
                { button("", "lesson-check", false, t(lang, "check"), send(Action::Check)) }
                { button("", "lesson-hint", g.hints >= step.hints.len(), t(lang, "hint"), send(Action::Hint)) }
                { button("primary", "lesson-next", !g.can_next(), &format!("{} →", t(lang, "next")), send(Action::Next)) }
                { button("", "lesson-restart", false, t(lang, "restart"), send(Action::Restart)) }
            </div>
            if let Some(goal) = &g.goal {
                <figure class="lesson-goal" data-testid="lesson-goal">
                    <figcaption class="muted">{ t(lang, "goal") }</figcaption>
                    { super::diagram::picture(goal, t(lang, "goal")) }
                </figure>
            }
        </section>
    }
}

/// One of the panel's buttons (one function for all: each `html!` element costs the page code).
fn button(class: &'static str, id: &'static str, disabled: bool, text: &str, onclick: Callback<MouseEvent>) -> Html {
    html! { <button {class} data-testid={id} {disabled} {onclick}>{ text.to_string() }</button> }
}

/// A predict question: its choices as buttons, and once one is chosen, whether it was right
/// and its feedback.
fn question(g: &Guide, p: &Predict, q: usize, lang: Lang, on: &Callback<Action>) -> Html {
    let chosen = g.progress.answer_of(g.progress.step, q);
    let choices = p.choices.iter().enumerate().map(|(c, choice)| {
        let on = on.clone();
        let click = Callback::from(move |_: MouseEvent| on.emit(Action::Answer { question: q, choice: c }));
        html! { <li><button class="choice" data-testid={format!("predict-{q}-{c}")} aria-pressed={(chosen == Some(c)).to_string()} onclick={click}>{ text(choice.text.get(lang)) }</button></li> }
    });
    let feedback = chosen.and_then(|c| p.choices.get(c)).map(|c| {
        let verdict = if c.correct { t(lang, "right") } else { t(lang, "not_quite") };
        let more = c.feedback.as_ref().map(|f| text(f.get(lang))).unwrap_or_default();
        html! { <p class={if c.correct { "feedback right" } else { "feedback wrong" }} data-testid={format!("predict-{q}-feedback")} role="status">{ verdict }{ " " }{ more }</p> }
    });
    html! {
        <fieldset class="predict">
            <legend>{ t(lang, "predict") }{ ": " }{ text(p.ask.get(lang)) }</legend>
            <ul>{ for choices }</ul>
            { for feedback }
        </fieldset>
    }
}

/// A one-line text of a lesson (a question, a choice) with its inline Markdown.
fn text(s: &str) -> Html {
    inlines(&crate::lab::lesson::markdown::inlines(s))
}

/// Narration as elements of text nodes.
fn blocks(b: &[Block]) -> Html {
    b.iter()
        .map(|block| match block {
            Block::Para(i) => html! { <p>{ inlines(i) }</p> },
            Block::Code { text, .. } => html! { <pre><code>{ text.clone() }</code></pre> },
            Block::List { ordered: true, items } => {
                html! { <ol>{ for items.iter().map(|i| html! { <li>{ inlines(i) }</li> }) }</ol> }
            }
            Block::List { ordered: false, items } => {
                html! { <ul>{ for items.iter().map(|i| html! { <li>{ inlines(i) }</li> }) }</ul> }
            }
        })
        .collect()
}

fn inlines(i: &[Inline]) -> Html {
    i.iter()
        .map(|x| match x {
            Inline::Text(s) => html! { { s.clone() } },
            Inline::Emph(i) => html! { <em>{ inlines(i) }</em> },
            Inline::Strong(i) => html! { <strong>{ inlines(i) }</strong> },
            Inline::Code(s) => html! { <code>{ s.clone() }</code> },
            // Addresses were checked when the lesson was read (https:// or the site's paths).
            Inline::Link { text, url } => {
                html! { <a href={url.clone()} target="_blank" rel="noopener noreferrer">{ inlines(text) }</a> }
            }
        })
        .collect()
}

/// Fetches a text file; the error says why in the page's words (HTTP status, or a fetch that
/// failed: no answer, or no CORS header).
pub async fn fetch_text(url: &str, lang: Lang) -> Result<String, String> {
    let failed = || t(lang, "fetch_failed").to_string();
    let window = web_sys::window().ok_or_else(failed)?;
    let value = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| failed())?;
    let response: web_sys::Response = value.dyn_into().map_err(|_| failed())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().map_err(|_| failed())?;
    let text = wasm_bindgen_futures::JsFuture::from(text).await.map_err(|_| failed())?;
    text.as_string().ok_or_else(failed)
}
