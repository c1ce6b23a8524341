//! The embed mode (`?embed`): the lab without the page's chrome, for an `<iframe>` in someone
//! else's page. The panes, theme, language and speed come from the address
//! (`lab::embed::Params`); a script plays at once (`autoplay`) or on Play; a host page's
//! `kubelab-embed.js` sends code blocks to run by `postMessage` and gets each block's output
//! back. Nothing is saved (the reader's own lab on the full page is never touched), storage
//! that is blocked or partitioned is no error, and the content's height goes to the parent.
//!
//! Only the parent window may drive the embed; its origin is the first that sent a message we
//! read, and replies go to that origin only. What the host sends is data, checked for shape
//! and bounds in `lab::embed`, and shown as text.
//!
//! The full page's "Copy embed code" is here too.

use super::{App, Msg as AppMsg};
use crate::lab::embed::{self as model, Params, Refused, Request, Runner, Theme};
use crate::lab::i18n::t;
use crate::lab::page::{Pane, PANES};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The block id of an autoplayed script.
const SCRIPT_ID: &str = "script";
/// The height is measured every this many clock ticks.
const HEIGHT_EVERY_TICKS: u32 = 4;
/// An autoplayed lesson's Next comes this many ticks (three seconds) after its step is done.
const NEXT_AFTER_TICKS: u32 = 60;
/// "Open in Kubelab" looks whether the lab changed every this many ticks (two seconds), and
/// gets a new share link then only.
const LINK_EVERY_TICKS: u32 = 40;

pub enum Msg {
    /// A message from the parent window: its data as JSON, and its origin.
    Message(String, String),
    /// Play the address's script.
    Play,
    /// The full page's "Copy embed code".
    CopyCode,
    /// A share link (its fragment) of the lab as it is now, for "Open in Kubelab".
    OpenLink(String),
    /// The reader points at or focuses "Open in Kubelab": a link of this very moment.
    FreshLink,
}

/// The embed's state (and, on the full page, the embed code last copied).
#[derive(Default)]
pub struct Embed {
    pub params: Params,
    runner: Runner,
    started: bool,
    /// The origin of the host page that drives the embed (its first message read).
    host: Option<String>,
    height: u64,
    ticks: u32,
    /// The snippet the full page's "Copy embed code" gave.
    code: Option<String>,
    /// A share link's fragment of the lab as it was lately: "Open in Kubelab" carries it.
    open_link: Option<String>,
    /// What the lab was (`lab::embed::LinkMark`) when that link was asked for.
    link_mark: Option<model::LinkMark>,
    /// An autoplayed lesson's step whose lines were typed (lesson id, step), and the ticks since.
    lesson_step: Option<(String, usize)>,
    step_ticks: u32,
    /// The page's scope, for the links made in the background.
    scope: Option<yew::html::Scope<App>>,
    _listener: Option<gloo::events::EventListener>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The address's parameters as the browser decodes them.
pub(super) fn query_pairs() -> Vec<(String, String)> {
    let search = window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return Vec::new() };
    let mut pairs = Vec::new();
    // embed.html is the embed mode's own page (no first view to take the focus).
    let path = window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    if path.ends_with("/embed.html") {
        pairs.push(("embed".to_string(), String::new()));
    }
    for key in model::PARAM_KEYS {
        if let Some(v) = params.get(key) {
            pairs.push((key.to_string(), v));
        }
    }
    pairs
}

impl Embed {
    /// Reads the address; in embed mode listens to the parent window's messages.
    /// The embed's parameters alone, before the page has its root (`boot::start`).
    pub fn of(params: Params) -> Embed {
        Embed { params, ..Embed::default() }
    }

    pub fn from_page(ctx: &Context<App>) -> Embed {
        let params = Params::read(&query_pairs());
        let mut e = Embed { params, ..Embed::default() };
        if !e.params.embed {
            return e;
        }
        set_theme(e.params.theme);
        e.scope = Some(ctx.link().clone());
        if let Some(w) = window() {
            let link = ctx.link().clone();
            let parent = w.parent().ok().flatten();
            e._listener = Some(gloo::events::EventListener::new(&w, "message", move |ev| {
                let Some(ev) = ev.dyn_ref::<web_sys::MessageEvent>() else { return };
                // Only the page this embed sits in may drive it.
                let from_parent = match (ev.source(), &parent) {
                    (Some(s), Some(p)) => wasm_bindgen::JsValue::from(s) == wasm_bindgen::JsValue::from(p.clone()),
                    _ => false,
                };
                if !from_parent {
                    return;
                }
                let json = js_sys::JSON::stringify(&ev.data()).ok().and_then(|s| s.as_string()).unwrap_or_default();
                link.send_message(AppMsg::Embed(Msg::Message(json, ev.origin())));
            }));
        }
        e
    }

    /// Whether the page is an embed.
    pub fn on(&self) -> bool {
        self.params.embed
    }

    /// The panes the author chose, if any.
    pub fn panes(&self) -> Option<Vec<Pane>> {
        let panes: Vec<Pane> =
            self.params.panes.iter().filter_map(|k| PANES.iter().copied().find(|p| p.key() == *k)).collect();
        (self.on() && !panes.is_empty()).then_some(panes)
    }
}

/// `data-theme` on the document: the style sheet's light or dark colours, whatever the system's.
fn set_theme(theme: Theme) {
    if theme == Theme::Auto {
        return;
    }
    if let Some(el) = window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute("data-theme", theme.key());
    }
}

/// Posts a message (JSON text) to the parent window, for `origin` only.
fn post(json: &str, origin: &str) {
    let Some(parent) = window().and_then(|w| w.parent().ok().flatten()) else { return };
    if let Ok(v) = js_sys::JSON::parse(json) {
        let _ = parent.post_message(&v, origin);
    }
}

impl App {
    /// An embed message's work; true when the page must be drawn again.
    pub(super) fn on_embed(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Message(json, origin) => self.on_host_message(&json, origin),
            Msg::Play => {
                if !self.embed.started {
                    self.embed.started = true;
                    let mut p = self.page.borrow_mut();
                    p.playing = true;
                    let steps = self.embed.params.script.clone();
                    self.embed.runner.play(&mut p.lab, SCRIPT_ID, &steps);
                    self.embed.runner.step(&mut p.lab);
                }
                true
            }
            Msg::FreshLink => {
                self.embed.link_mark = None;
                self.make_open_link(true);
                false
            }
            Msg::OpenLink(link) => {
                let changed = self.embed.open_link.as_ref() != Some(&link);
                self.embed.open_link = Some(link);
                changed
            }
            Msg::CopyCode => {
                let code = {
                    let p = self.page.borrow();
                    embed_code(p.lang, &p.panes)
                };
                if let Some(w) = window() {
                    // A refused clipboard (no permission, no focus) is no error: the code is shown.
                    let copied = wasm_bindgen_futures::JsFuture::from(w.navigator().clipboard().write_text(&code));
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = copied.await;
                    });
                }
                self.embed.code = Some(code);
                true
            }
        }
    }

    fn on_host_message(&mut self, json: &str, origin: String) -> bool {
        if !self.embed.on() || self.embed.host.as_ref().is_some_and(|h| *h != origin) {
            return false;
        }
        let req = match model::read_message(json) {
            Ok(req) => req,
            Err(Refused::NotOurs) => return false,
            Err(e) => {
                post(&model::error_message(&e.to_string()), &origin);
                return false;
            }
        };
        self.embed.host = Some(origin);
        {
            let mut p = self.page.borrow_mut();
            match req {
                Request::Run { id, lines, files, wait } => {
                    self.embed.runner.run(&mut p.lab, &id, &lines, &files, wait);
                    if !files.is_empty() {
                        p.refresh_diags();
                    }
                }
                Request::Stop { id } => self.embed.runner.stop(&mut p.lab, &id),
                Request::Link { id } => self.embed.runner.ask_link(&id),
            }
        }
        self.embed.runner.step(&mut self.page.borrow_mut().lab);
        self.send_outputs();
        true
    }

    /// Each block's output that changed, and the code links due, to the host.
    fn send_outputs(&mut self) {
        let Some(host) = self.embed.host.clone() else { return };
        for (id, text, done, lines) in self.embed.runner.updates(&self.page.borrow().lab) {
            post(&model::output_message(&id, &text, done, lines), &host);
        }
        let links = self.embed.runner.links(&self.page.borrow().lab);
        for (id, saved) in links {
            // A block's code link: the lab as it stood after the block, with every pane.
            let share = crate::lab::share::Share { saved, panes: Vec::new(), ..self.share_of() };
            let host = host.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(fragment) = super::share::link_of(&share).await {
                    post(&model::link_message(&id, &format!("{}#{fragment}", open_url())), &host);
                }
            });
        }
    }

    /// The clock's tick in embed mode: the runner types on, outputs and height go out.
    pub(super) fn embed_tick(&mut self) {
        if !self.embed.on() {
            return;
        }
        if self.embed.ticks == 0 {
            // The first tick: the page is drawn; the host may send blocks now.
            post(&model::ready_message(), "*");
            if self.embed.params.autoplay && !self.embed.params.script.is_empty() {
                self.on_embed(Msg::Play);
            }
        }
        self.embed.ticks = self.embed.ticks.wrapping_add(1);
        if self.embed.runner.active() {
            self.embed.runner.step(&mut self.page.borrow_mut().lab);
        }
        // Also after the step that ended the last block: its end goes out.
        self.send_outputs();
        if self.embed.ticks % HEIGHT_EVERY_TICKS == 1 {
            self.report_height();
        }
    }

    /// Autoplay of a lesson (`?lesson=ID&autoplay=1`): each step's lines typed as its Run types
    /// them, and Next a moment after the step is done (a question waits for the reader).
    pub(super) fn lesson_autoplay(&mut self, ctx: &Context<App>) {
        if !self.embed.on() || !self.embed.params.autoplay {
            return;
        }
        let (here, can_next) = {
            let p = self.page.borrow();
            let g = p.guide.borrow();
            let here = g.lesson.as_ref().filter(|_| !g.loading()).map(|l| (l.id.clone(), g.progress.step));
            (here, g.can_next())
        };
        let Some(here) = here else { return };
        if self.embed.lesson_step.as_ref() != Some(&here) {
            self.embed.lesson_step = Some(here);
            self.embed.step_ticks = 0;
            self.lesson_action(ctx, crate::lab::lesson::guide::Action::Run);
            return;
        }
        self.embed.step_ticks = self.embed.step_ticks.saturating_add(1);
        if can_next && self.embed.step_ticks >= NEXT_AFTER_TICKS {
            self.lesson_action(ctx, crate::lab::lesson::guide::Action::Next);
        }
    }

    /// Makes a share link of the lab (the browser compresses it) when the lab changed since the
    /// last one, looked at every two seconds, and afresh when the reader points at the link, so
    /// that "Open in Kubelab" opens the full page on the same cluster at the same moment, with
    /// every pane. An idle lab makes no link.
    pub(super) fn embed_link(&mut self) {
        if !self.embed.on() || self.embed.ticks % LINK_EVERY_TICKS != 2 {
            return;
        }
        self.make_open_link(false);
    }

    fn make_open_link(&mut self, always: bool) {
        let mark = {
            let p = self.page.borrow();
            let step = p.guide.borrow().lesson.as_ref().map(|_| p.guide.borrow().progress.step);
            model::LinkMark::of(&p.lab, step, p.lang)
        };
        if !always && self.embed.link_mark.as_ref() == Some(&mark) {
            return;
        }
        self.embed.link_mark = Some(mark);
        let share = crate::lab::share::Share { panes: Vec::new(), ..self.share_of() };
        let Some(link) = self.embed.scope.clone() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(fragment) = super::share::link_of(&share).await {
                link.send_message(AppMsg::Embed(Msg::OpenLink(fragment)));
            }
        });
    }

    /// The content's height, to the parent when it changed (a number only, so any origin may
    /// have it: a plain `<iframe>` embed with no script sizes itself from it).
    fn report_height(&mut self) {
        let doc = window().and_then(|w| w.document());
        let Some(el) = doc.and_then(|d| d.query_selector(".embed").ok().flatten()) else { return };
        let h = el.get_bounding_client_rect().height().ceil().max(0.0) as u64;
        if h != self.embed.height {
            self.embed.height = h;
            post(&model::height_message(h), "*");
        }
    }

    /// The embed's bar over its panes (in place of the page's header): Play, Open in Kubelab.
    pub(super) fn embed_bar(&self, ctx: &Context<App>) -> Html {
        let lang = self.page.borrow().lang;
        let play = (!self.embed.params.script.is_empty() && !self.embed.started).then(|| {
            html! { <button data-testid="embed-play" onclick={ctx.link().callback(|_| AppMsg::Embed(Msg::Play))}>{ "▶ " }{ t(lang, "play") }</button> }
        });
        html! {
            <div class="embed-bar">
                { for play }
                <a data-testid="embed-open" href={open_link(self.embed.open_link.as_deref())} target="_blank" rel="noopener"
                    onpointerenter={ctx.link().callback(|_| AppMsg::Embed(Msg::FreshLink))} onfocus={ctx.link().callback(|_| AppMsg::Embed(Msg::FreshLink))}>{ t(lang, "open_in_kubelab") }{ " ↗" }</a>
            </div>
        }
    }

    /// The full page's "Copy embed code" button, and the code once copied.
    pub(super) fn embed_code_view(&self, ctx: &Context<App>) -> Html {
        let lang = self.page.borrow().lang;
        let button = html! { <button data-testid="copy-embed" onclick={ctx.link().callback(|_| AppMsg::Embed(Msg::CopyCode))}>{ t(lang, "copy_embed") }</button> };
        match &self.embed.code {
            None => button,
            Some(code) => html! {
                <>{ button }<input class="embed-code" data-testid="embed-code" readonly=true aria-label={t(lang, "copy_embed")} value={code.clone()} /></>
            },
        }
    }
}

/// The site's folder: the full page's address (for "Open in Kubelab"), beside `embed.html`.
fn open_url() -> String {
    let loc = window().map(|w| w.location());
    let base = loc.as_ref().and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)));
    let base = base.unwrap_or_default();
    match base.rfind('/') {
        Some(i) => base[..=i].to_string(),
        None => "./".into(),
    }
}

/// The full page's address, with the lab's share link when there is one.
fn open_link(fragment: Option<&str>) -> String {
    match fragment {
        Some(f) => format!("{}#{f}", open_url()),
        None => open_url(),
    }
}

/// An `<iframe>` of this page in embed mode with the panes shown now.
fn embed_code(lang: crate::lab::i18n::Lang, panes: &[Pane]) -> String {
    let keys: Vec<&str> = panes.iter().map(|p| p.key()).collect();
    model::iframe_snippet(&open_url(), &keys, lang)
}
