//! The module's start cut into tasks: the page's state is built a piece at a time, each piece
//! in a task of its own (the saved or fresh lab, then the page over it), and yew draws the live
//! page in a last one. Between them the browser paints, and a key pressed meanwhile lands in
//! the first view's terminal (static/first.js keeps it and hands it to the live one), instead
//! of waiting for the whole start. What is built is handed to `App::create` through `READY`.
//! Lines entered in the first view meanwhile (`early_lines`) run in a task of their own before
//! the live page is drawn, on the page made ready as `App::create` makes it: their output shows
//! in the first view's terminal at once (`show_early`), and is in the live page's first drawing.

use super::{browser_lang, embed, lab_from, saved_lab, storage, App};
use crate::lab::page::{Effect, Page};
use crate::lab::Style;
use crate::lab::{Lab, DEFAULT_SEED};
use std::cell::RefCell;
use wasm_bindgen::JsCast;

/// The page's state as built before yew draws it.
pub(super) enum Ready {
    /// The page, the notice to give, whether this is a newcomer's first visit: `App::create`
    /// makes it ready (`super::prepare`).
    Built(Page, Option<&'static str>, bool),
    /// Made ready here, and the lines entered in the first view run on it (their output shown
    /// there at once): the effects of both for `App::create` to carry out, in order.
    Prepared(Page, Vec<Effect>),
}

thread_local! {
    static READY: RefCell<Option<Ready>> = const { RefCell::new(None) };
}

/// What `start` built, for the root component to take (once).
pub(super) fn take() -> Option<Ready> {
    READY.with(|r| r.borrow_mut().take())
}

/// The lines entered in the first view's terminal while the module was loading, in order,
/// taken from static/first.js (which then hands over only what comes after, and what is typed
/// but not entered); none on a page without a first view or in a component test.
pub(super) fn early_lines() -> Vec<String> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let take = js_sys::Reflect::get(&window, &"__kubelabTakeLines".into()).ok();
    let Some(take) = take.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else { return Vec::new() };
    take.call0(&window)
        .map(|lines| js_sys::Array::from(&lines).iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default()
}

/// Shows the shown terminal's text in the first view's terminal (static/first.js draws it
/// there), as the live page will draw it: its pieces, each with its style. Not when the live
/// terminal would show more than its pieces (a line being continued, colours).
fn show_early(page: &Page) {
    let n = page.active_term;
    let term = &page.lab.terms[n];
    if !page.terms[n].pending.is_empty() || term.scrollback.iter().any(|(_, text)| text.contains('\x1b')) {
        return;
    }
    let pieces = js_sys::Array::new();
    for (style, text) in &term.scrollback {
        let class = match style {
            Style::Prompt => "prompt",
            Style::Input => "typed",
            Style::Out => "out",
            Style::Err => "err",
        };
        pieces.push(&js_sys::Array::of2(&class.into(), &text.as_str().into()));
    }
    let Some(window) = web_sys::window() else { return };
    let show = js_sys::Reflect::get(&window, &"__kubelabShowEarly".into()).ok();
    if let Some(show) = show.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = show.call1(&window, &pieces);
    }
}

/// Resolves in a later task: a message to itself (input, frames and tasks queued before it run
/// first; a timer would wait behind a paused fake clock, as the build's first view is rendered).
async fn next_task() {
    let Ok(channel) = web_sys::MessageChannel::new() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
    });
    if channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    channel.port1().set_onmessage(None);
}

/// Resolves once a frame has been drawn: after the next animation frame's callbacks (where
/// the browser paints next), in a later task; at once in a hidden page, which draws none.
async fn next_frame() {
    let Some(window) = web_sys::window() else { return };
    if !window.document().is_some_and(|d| d.hidden()) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window.request_animation_frame(&resolve);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    next_task().await;
}

/// A User Timing mark (`performance.mark`): the start's steps in a trace or from
/// `performance.getEntriesByType('mark')` (scripts/trace-load.mjs prints them).
pub(super) fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Builds the page's state in tasks, then mounts the app on `root`.
pub(super) fn start(root: Option<web_sys::Element>) {
    wasm_bindgen_futures::spawn_local(async move {
        let params = crate::lab::embed::Params::read(&embed::query_pairs());
        next_task().await;
        // A newcomer's cluster in a task of its own, then the lab over it (a saved lab is
        // rebuilt from its journal in one).
        let loaded = saved_lab(params.embed);
        let fresh = (!matches!(loaded, storage::Loaded::Saved(_))).then(|| Lab::fresh(DEFAULT_SEED));
        mark("kubelab:cluster");
        next_task().await;
        let (lab, notice, first_visit) = lab_from(loaded, move || fresh.map_or_else(Lab::seed_lab, Lab::seed_lab_over));
        mark("kubelab:lab");
        next_task().await;
        let page = Page::new(lab, params.lang.unwrap_or_else(browser_lang));
        mark("kubelab:page");
        next_task().await;
        // Lines entered in the first view meanwhile run now, on the page made ready as
        // `App::create` would make it, and their output shows in the first view's terminal
        // at once, a task before the live page is drawn with it.
        let early = if params.embed { Vec::new() } else { early_lines() };
        let ready = if early.is_empty() {
            Ready::Built(page, notice, first_visit)
        } else {
            let mut page = page;
            let mut effects = super::prepare(&mut page, &embed::Embed::of(params), notice, first_visit);
            for line in early {
                effects.extend(super::enter(&mut page, line));
            }
            show_early(&page);
            mark("kubelab:early");
            Ready::Prepared(page, effects)
        };
        let shown = matches!(ready, Ready::Prepared(..));
        READY.with(|r| *r.borrow_mut() = Some(ready));
        // The answer shown in the first view is painted before the live page is drawn.
        if shown {
            next_frame().await;
        } else {
            next_task().await;
        }
        match root {
            Some(root) => yew::Renderer::<App>::with_root(root).render(),
            None => yew::Renderer::<App>::new().render(),
        };
    });
}
