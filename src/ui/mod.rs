//! The browser page: yew components over a `lab::page::Page`. They draw the page's state and
//! send its `Action`s; the state and its reducer are plain Rust (`lab::page`), and the root
//! only carries out the `Effect`s a browser must (storage, fetches) and runs the clock.
//!
//! Each pane is a component with `Properties` (`header`, `editor`, `terminal`, `diagram`,
//! `timeline`, `lesson`), drawn again only when what it shows changed: a clock tick that moved
//! nothing of a pane leaves it alone. Panes (editor, terminal, diagram, timeline) can be shown
//! alone or together: `?panes=` in the address picks them (`?panes=terminal,diagram`), and the
//! header's toggles change them.

mod boot;
mod diagram;
mod dialog;
mod editor;
mod embed;
mod header;
mod lesson;
mod pane;
mod share;
mod storage;
mod terminal;
mod timeline;

use crate::lab::i18n::{self, Lang};
use crate::lab::lesson::guide;
use crate::lab::page::{Action, Asked, Effect, Page, Pane, TICK_MS};
use crate::lab::Lab;
use gloo::timers::callback::Interval;
use pane::Shows;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The page's state, shared with the components that draw it (each with a key of what it
/// shows, so that yew compares keys rather than the state).
pub type Shared = Rc<RefCell<Page>>;

/// The root's messages: the page's actions, share links (`share.rs`) and the embed mode
/// (`embed.rs`).
pub enum Msg {
    Page(Action),
    Share(share::Msg),
    Embed(embed::Msg),
}

pub struct App {
    page: Shared,
    share: share::Sharing,
    /// The embed mode (`?embed`), and the full page's embed code.
    embed: embed::Embed,
    _clock: Option<Interval>,
    /// `pagehide` and `visibilitychange` listeners (removed when dropped).
    _leave: Vec<gloo::events::EventListener>,
    /// Where the panes' events go; the terminal's screen and input line (focused when the
    /// page opens), the object dialog's close button (focused when it opens).
    refs: pane::Refs,
    /// The shown terminal and its text when its screen was last scrolled to the bottom
    /// (scrolling asks the browser for a layout: only when the text changed).
    scrolled: Option<(usize, (usize, usize, usize))>,
    focus_dialog: bool,
    /// A click on a card of the diagram (made once, so the drawing's properties stay equal).
    on_select: Callback<crate::sim::ObjKey>,
}

/// A key handler that sends `action()` when the key `name` is pressed (Escape, Enter).
fn on_key(on: &Callback<Action>, name: &'static str, action: fn() -> Action) -> Callback<KeyboardEvent> {
    let on = on.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == name {
            on.emit(action());
        }
    })
}

/// A parameter of the page's address.
fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Marks the whole document with the page's language (screen readers, fonts, hyphenation).
fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute("lang", lang.code());
    }
}

fn browser_lang() -> Lang {
    if let Some(l) = storage::load_lang() {
        return l;
    }
    let langs: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::from_browser(&langs)
}

/// The saved lab, or a fresh one; the notice to give; whether this is a newcomer's first visit.
/// An embed reads nothing saved.
fn load_lab(embed: bool) -> (Lab, Option<&'static str>, bool) {
    lab_from(saved_lab(embed), Lab::seed_lab)
}

/// What the browser keeps of the lab (for an embed, nothing).
fn saved_lab(embed: bool) -> storage::Loaded {
    if embed {
        storage::Loaded::Nothing
    } else {
        storage::load()
    }
}

/// The lab from what was kept, or from `fresh` (the seed's lab); the notice to give; whether
/// this is a newcomer's first visit.
fn lab_from(loaded: storage::Loaded, fresh: impl FnOnce() -> Lab) -> (Lab, Option<&'static str>, bool) {
    match loaded {
        storage::Loaded::Saved(saved) => match Lab::restore(saved, crate::lab::page::TERMINALS) {
            Ok(lab) => (lab, None, false),
            Err(_) => {
                storage::keep_unreadable();
                (fresh(), Some("storage_corrupt"), false)
            }
        },
        storage::Loaded::Nothing => (fresh(), None, true),
        storage::Loaded::Corrupt => (fresh(), Some("storage_corrupt"), false),
        // Nothing saved can be known: a newcomer as far as the page can tell.
        storage::Loaded::Unavailable => (fresh(), Some("storage_off"), true),
    }
}

/// Edits and typed lines are saved at once, the running clock once a second: without these
/// a reload or a closed tab would lose up to a second of the clock.
fn leave_listeners(link: &yew::html::Scope<App>) -> Vec<gloo::events::EventListener> {
    let mut leave = Vec::new();
    if let Some(w) = web_sys::window() {
        let l = link.clone();
        leave.push(gloo::events::EventListener::new(&w, "pagehide", move |_| l.send_message(Msg::Page(Action::Leave))));
        if let Some(d) = w.document() {
            let l = link.clone();
            let doc = d.clone();
            leave.push(gloo::events::EventListener::new(&d, "visibilitychange", move |_| {
                if doc.hidden() {
                    l.send_message(Msg::Page(Action::Leave));
                }
            }));
        }
    }
    leave
}

/// The page made ready for the reader before it is first drawn: the embed's speed and panes
/// (or `?panes=`), the notice, the clock's source, and the lesson to open (`Page::start`);
/// the effects for the root to carry out.
fn prepare(page: &mut Page, embed: &embed::Embed, notice: Option<&'static str>, first_visit: bool) -> Vec<Effect> {
    page.speed = embed.params.speed;
    page.notice = notice;
    page.real_ms = real_ms;
    page.before_run = maybe_inject_panic;
    if let Some(panes) = embed.panes().or_else(|| query("panes").as_deref().and_then(Pane::list)) {
        page.panes = panes;
    }
    let asked = Asked { lesson_url: query("lesson-url"), lesson: query("lesson"), step: query("step") };
    let saved = storage::load_lessons();
    page.start(saved.as_deref(), asked, first_visit && !embed.on()).effects
}

/// `line` typed into the shown terminal's input and entered, as the live input's events would
/// (`Action::Input`, then Enter); the effects for the root to carry out.
fn enter(page: &mut Page, line: String) -> Vec<Effect> {
    let n = page.active_term;
    let enter = crate::lab::page::Key { key: "Enter".into(), ctrl: false, shift: false };
    let mut effects = page.update(Action::Input(n, line)).effects;
    effects.extend(page.update(Action::Key(n, enter)).effects);
    effects
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let embed = embed::Embed::from_page(ctx);
        // Built in tasks by `boot::start` on the page (made ready there too when lines entered
        // early ran before this); at once in a component test's mount.
        let (page, effects) = match boot::take() {
            Some(boot::Ready::Prepared(page, effects)) => (page, effects),
            built => {
                let (mut page, notice, first_visit) = match built {
                    Some(boot::Ready::Built(page, notice, first_visit)) => (page, notice, first_visit),
                    _ => {
                        let (lab, notice, first_visit) = load_lab(embed.on());
                        (Page::new(lab, embed.params.lang.unwrap_or_else(browser_lang)), notice, first_visit)
                    }
                };
                let effects = prepare(&mut page, &embed, notice, first_visit);
                (page, effects)
            }
        };
        let link = ctx.link().clone();
        let clock = Interval::new(TICK_MS, move || link.send_message(Msg::Page(Action::Tick)));
        let mut app = App {
            page: Rc::new(RefCell::new(page)),
            share: Default::default(),
            embed,
            refs: pane::Refs {
                on: ctx.link().callback(Msg::Page),
                term_out: NodeRef::default(),
                term_in: NodeRef::default(),
                dialog_close: NodeRef::default(),
            },
            _clock: Some(clock),
            _leave: leave_listeners(ctx.link()),
            scrolled: None,
            focus_dialog: false,
            on_select: ctx.link().callback(|k| Msg::Page(Action::Select(Some(k)))),
        };
        app.carry_out(ctx, effects);
        app.start_share(ctx);
        set_document_lang(app.page.borrow().lang);
        // Lines entered in the first view since `boot::start` took them run now, once the page
        // is set up, as the reader's Enter on the live input would have run them a moment
        // later: their output is in the first drawing.
        for line in boot::early_lines() {
            let effects = enter(&mut app.page.borrow_mut(), line);
            app.carry_out(ctx, effects);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let other = match msg {
            Msg::Page(a) => Ok(a),
            Msg::Share(m) => Err(self.on_share(ctx, m)),
            Msg::Embed(m) => Err(self.on_embed(m)),
        };
        let action = match other {
            Ok(a) => a,
            Err(changed) => {
                // What a link or the host did to the lab shows at once.
                if changed {
                    self.page.borrow_mut().refresh_views(false);
                }
                return changed;
            }
        };
        let tick = matches!(action, Action::Tick);
        match action {
            // A terminal shown again is a new screen, at its top.
            Action::TogglePane(_) => self.scrolled = None,
            Action::Select(Some(_)) => self.focus_dialog = true,
            _ => {}
        }
        let out = self.page.borrow_mut().update(action);
        self.carry_out(ctx, out.effects);
        if tick && self.embed.on() {
            self.embed_tick();
            self.embed_link();
            self.lesson_autoplay(ctx);
            self.page.borrow_mut().refresh_views(true);
        }
        out.draw
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        if first {
            boot::mark("kubelab:drawn");
        }
        {
            // The terminal follows its output unless the reader scrolled up.
            let p = self.page.borrow();
            let seen = Some((p.active_term, p.terminal_key().text()));
            let el = self.refs.term_out.cast::<web_sys::Element>().filter(|_| p.terms[p.active_term].stick);
            if let Some(el) = el.filter(|_| seen != self.scrolled) {
                el.set_scroll_top(el.scroll_height());
                self.scrolled = seen;
            }
        }
        if std::mem::take(&mut self.focus_dialog) {
            if let Some(el) = self.refs.dialog_close.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
        // An embed leaves the keyboard to the page it sits in.
        if first && !self.embed.on() {
            if let Some(el) = self.refs.term_in.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let p = self.page.borrow();
        let tr = |key| i18n::t(p.lang, key);
        let on = &self.refs.on;
        let open = p.guide.borrow().open;
        let layout = format!(
            "layout {}{}",
            if self.embed.on() { "embed " } else { "" },
            p.panes.iter().map(|p| format!("with-{}", p.key())).collect::<Vec<_>>().join(" ")
        );
        html! {
            <div class={layout} lang={p.lang.code()}>
                if self.embed.on() { { self.embed_bar(ctx) } } else {
                    { header::view(&p, on, share::button(p.lang, ctx), self.embed_code_view(ctx)) }
                }
                if p.confirm_reset {
                    <div class="confirm" role="alertdialog" aria-label={tr("reset")} onkeydown={on_key(on, "Escape", || Action::Reset(false))}>
                        <p>{ tr("reset_confirm") }</p>
                        <button data-testid="reset-yes" onclick={on.reform(|_| Action::Reset(true))}>{ tr("yes") }</button>
                        <button onclick={on.reform(|_| Action::Reset(false))}>{ tr("no") }</button>
                    </div>
                }
                if let Some(n) = p.notice {
                    <p class="notice" role="status" data-testid="notice">{ tr(n) }</p>
                }
                { share::view(&self.share, p.lang, ctx) }
                <div class="work">
                if open {
                    <pane::Pane page={self.page.clone()} shows={Shows::Lesson(p.guide_version, p.lang)} refs={self.refs.clone()} />
                }
                <main class="panes">
                    if p.shown(Pane::Editor) {
                        <pane::Pane page={self.page.clone()} shows={Shows::Editor(p.editor_key())} refs={self.refs.clone()} />
                    }
                    if p.shown(Pane::Terminal) {
                        <pane::Pane page={self.page.clone()} shows={Shows::Terminal(p.terminal_key())} refs={self.refs.clone()} />
                    }
                    if p.shown(Pane::Diagram) { { diagram::pane(&p, &self.on_select) } }
                    if p.shown(Pane::Timeline) { { timeline::view(&p, on) } }
                </main>
                </div>
                if let Some(k) = &p.selected {
                    <pane::Pane page={self.page.clone()} shows={Shows::Dialog(k.clone(), (p.lab_gen, p.lab.changes()), p.lang)} refs={self.refs.clone()} />
                }
            </div>
        }
    }
}

impl App {
    /// A lesson action from outside the panel (an embed's autoplay), with its effects.
    fn lesson_action(&mut self, ctx: &Context<Self>, a: crate::lab::lesson::guide::Action) {
        let out = self.page.borrow_mut().update(Action::Lesson(a));
        self.carry_out(ctx, out.effects);
    }

    /// Does what only the browser can for the page, in order.
    fn carry_out(&self, ctx: &Context<Self>, effects: Vec<Effect>) {
        for fx in effects {
            match fx {
                Effect::Save => {
                    let mut p = self.page.borrow_mut();
                    if !self.share.may_save() || self.embed.on() {
                        // Not while a link is read or held (tried again on the next timed
                        // save); an embed keeps nothing: the reader's own saved lab stays.
                        p.dirty = true;
                        continue;
                    }
                    if let Err(key) = storage::save(&p.lab.save()) {
                        p.notice = Some(key);
                    }
                }
                // An embed keeps no lesson progress either (the reader's own stays as it was).
                Effect::SaveLessons if self.embed.on() => {}
                Effect::SaveLessons => storage::save_lessons(&self.page.borrow().guide.borrow().to_json()),
                Effect::SaveLang => {
                    let lang = self.page.borrow().lang;
                    storage::save_lang(lang);
                    set_document_lang(lang);
                }
                Effect::ClearStorage => storage::clear(),
                Effect::Download { name, text } => {
                    let _ = download(&name, &text);
                }
                Effect::Fetch(url) => {
                    let lang = self.page.borrow().lang;
                    let link = ctx.link().clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let text = lesson::fetch_text(&url, lang).await;
                        link.send_message(Msg::Page(Action::Lesson(guide::Action::Fetched { url, text })));
                    });
                }
            }
        }
    }
}

/// The page's real clock (`performance.now()`), in milliseconds.
fn real_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Mounts the app in `root` (the component tests mount it in a fresh element).
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// The typed line that panics when the address has `?inject-panic` (the e2e test of the
/// panic overlay; harmless elsewhere: without the parameter it is an unknown command).
const INJECTED_PANIC_LINE: &str = "kubelab-panic";

/// Panics on [`INJECTED_PANIC_LINE`] under `?inject-panic`, as a bug in the model would.
fn maybe_inject_panic(line: &str) {
    if line.trim() != INJECTED_PANIC_LINE {
        return;
    }
    if query("inject-panic").is_some() {
        panic!("injected panic (?inject-panic): the page's panic overlay under test");
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// index.html's overlay for a module that has panicked: what happened, the saved lab to
    /// download, a reload that restores it.
    #[wasm_bindgen(js_namespace = window, js_name = kubelabPanic, catch)]
    fn report_panic(what: &str) -> Result<(), wasm_bindgen::JsValue>;

    /// index.html's download of a text file (a Blob link, clicked).
    #[wasm_bindgen(js_namespace = window, js_name = kubelabDownload, catch)]
    fn download(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Mounts the app on the page, with a panic hook that stops saving (the lab may be half
/// changed) and hands the message to the page's overlay.
pub fn start() {
    // Through yew, which would otherwise put its own hook in at render.
    yew::set_custom_panic_hook(Box::new(|info| {
        storage::stop();
        let _ = report_panic(&info.to_string());
    }));
    boot::start(web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")));
}
