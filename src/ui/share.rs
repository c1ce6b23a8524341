//! Share links on the page (`lab::share` is the format): the Share button makes a link of the
//! lab as it is (the lesson and step, the panes, the language) with the browser's
//! `CompressionStream("deflate-raw")` (no compressor in the wasm), shows it in a field and
//! copies it when the browser lets the page; a page opened with a link in its fragment (or
//! one pasted into the address later) inflates it with `DecompressionStream`, stopping at the
//! format's cap, and opens its lab at the moment it was made, paused.
//!
//! A link never costs the reader their own lab: when a saved lab exists, the link's lab opens
//! without being saved (a bar says so) until the reader keeps it (it then replaces the save)
//! or goes back to their own; with nothing saved it is saved at once. A bad link shows its
//! words and leaves the page with the lab it opens without a link (the reader's saved lab,
//! or the seed lab).

use super::App;
use crate::lab::i18n::{t, Lang};
use crate::lab::lesson::guide::Action;
use crate::lab::page::{self, Pane, PANES, TERMINALS};
use crate::lab::share::{self, LinkError, Share};
use crate::lab::Lab;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The browser's `CompressionStream` (bytes in, DEFLATE out).
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;

    /// The browser's `DecompressionStream`.
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

pub enum Msg {
    /// The Share button.
    Make,
    /// The link made (the whole address), or the words of why not.
    Made(Result<String, &'static str>),
    /// Whether the link was copied.
    Copied(bool),
    /// The address's fragment changed (a link pasted into the open page).
    Hash,
    /// A link's lab inflated (its JSON), or why not.
    Opened(Result<String, LinkError>),
    /// The bar's answer: keep the link's lab (true) or go back to the saved one.
    Keep(bool),
}

/// The page's share state.
#[derive(Default)]
pub struct Sharing {
    /// The last link made (the field shows it) and what became of the copy (a word key).
    link: Option<String>,
    copied: Option<&'static str>,
    /// A link is being read: nothing is saved until it is open or refused.
    reading: bool,
    /// The link's lab is open over a saved lab the reader has not chosen to replace.
    held: bool,
    _hash: Option<gloo::events::EventListener>,
}

impl Sharing {
    /// Whether the lab may be saved now (not while a link is read or held).
    pub fn may_save(&self) -> bool {
        !self.reading && !self.held
    }
}

impl App {
    /// Reads a link in the address, and listens for one pasted later.
    pub(super) fn start_share(&mut self, ctx: &Context<Self>) {
        if let Some(w) = web_sys::window() {
            let link = ctx.link().clone();
            self.share._hash = Some(gloo::events::EventListener::new(&w, "hashchange", move |_| {
                link.send_message(super::Msg::Share(Msg::Hash))
            }));
        }
        self.read_fragment(ctx);
    }

    fn read_fragment(&mut self, ctx: &Context<Self>) {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let fragment = hash.strip_prefix('#').unwrap_or(&hash);
        if fragment.is_empty() {
            return;
        }
        match share::unwrap(fragment) {
            Ok(bytes) => {
                self.share.reading = true;
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let text = match inflate(&bytes).await {
                        Ok(Some(b)) => share::text(b),
                        Ok(None) => Err(LinkError::TooLarge),
                        Err(_) => Err(LinkError::Malformed("its data does not inflate".into())),
                    };
                    link.send_message(super::Msg::Share(Msg::Opened(text)));
                });
            }
            Err(e) => self.page.borrow_mut().notice = Some(e.word()),
        }
    }

    /// A message of the share feature; true when the page must be drawn again.
    pub(super) fn on_share(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Make => {
                let s = self.share_of();
                let json = s.to_json();
                if s.fits(&json).is_err() {
                    self.page.borrow_mut().notice = Some("share_too_large");
                    return true;
                }
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let made = match deflate(json.as_bytes()).await.map(|b| share::wrap(&b)) {
                        Ok(l) if l.len() <= share::MAX_LINK => Ok(address(&l)),
                        Ok(_) => Err("share_too_large"),
                        Err(_) => Err("share_unsupported"),
                    };
                    link.send_message(super::Msg::Share(Msg::Made(made)));
                });
                false
            }
            Msg::Made(Ok(url)) => {
                self.share.link = Some(url.clone());
                self.share.copied = None;
                let link = ctx.link().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let ok = copy(&url).await;
                    link.send_message(super::Msg::Share(Msg::Copied(ok)));
                });
                true
            }
            Msg::Made(Err(word)) => {
                self.page.borrow_mut().notice = Some(word);
                true
            }
            Msg::Copied(ok) => {
                self.share.copied = Some(if ok { "share_copied" } else { "share_copy_blocked" });
                true
            }
            Msg::Hash => {
                self.read_fragment(ctx);
                true
            }
            Msg::Opened(text) => {
                self.share.reading = false;
                match text.and_then(|t| Share::from_json(&t)).and_then(|s| s.lab(TERMINALS).map(|lab| (s, lab))) {
                    Ok((s, lab)) => self.open_shared(ctx, s, lab),
                    Err(e) => self.page.borrow_mut().notice = Some(e.word()),
                }
                true
            }
            Msg::Keep(keep) => {
                self.share.held = false;
                if keep {
                    self.carry_out(ctx, vec![page::Effect::Save]);
                } else if let super::storage::Loaded::Saved(saved) = super::storage::load() {
                    if let Ok(lab) = Lab::restore(saved, TERMINALS) {
                        self.show_lab(lab);
                    }
                    let lang = super::browser_lang();
                    self.page.borrow_mut().lang = lang;
                    super::set_document_lang(lang);
                    // The lesson too: back at the step the learner had reached.
                    let out = self.page.borrow_mut().update(page::Action::Lesson(Action::Resume));
                    self.carry_out(ctx, out.effects);
                }
                drop_fragment();
                true
            }
        }
    }

    /// The lab as the page shows it, for a link.
    pub(super) fn share_of(&self) -> Share {
        let p = self.page.borrow();
        let guide = p.guide.borrow();
        let lesson = guide.lesson.as_ref().map(|_| (guide.url.clone(), guide.progress.step));
        let panes = if p.panes.len() == PANES.len() {
            Vec::new()
        } else {
            p.panes.iter().map(|p| p.key().to_string()).collect()
        };
        Share { lesson, panes, lang: Some(p.lang), ..Share::of(&p.lab) }
    }

    /// Opens a link's lab: held over a saved lab until the reader chooses, saved at once when
    /// there is none.
    fn open_shared(&mut self, ctx: &Context<Self>, s: Share, lab: Lab) {
        self.show_lab(lab);
        self.share.link = None;
        {
            let mut p = self.page.borrow_mut();
            // At the moment it was made, paused: the reader sees what was shared, then plays on.
            p.playing = false;
            let panes: Vec<Pane> =
                s.panes.iter().filter_map(|n| PANES.iter().copied().find(|p| p.key() == n)).collect();
            if !panes.is_empty() {
                p.panes = panes;
            }
            if let Some(l) = s.lang {
                p.lang = l;
                super::set_document_lang(l);
            }
        }
        self.share.held = super::storage::has_saved();
        if !self.share.held {
            self.carry_out(ctx, vec![page::Effect::Save]);
            drop_fragment();
        }
        if let Some((target, step)) = s.lesson_target() {
            let out = self.page.borrow_mut().update(page::Action::Lesson(Action::Open {
                target,
                step: Some(step),
                fresh: false,
            }));
            self.carry_out(ctx, out.effects);
        }
    }

    /// Puts `lab` on the page, as a fresh start does.
    fn show_lab(&mut self, lab: Lab) {
        self.page.borrow_mut().show_lab(lab);
        self.scrolled = None;
    }
}

/// The Share button, for the header's tools.
pub fn button(lang: Lang, ctx: &Context<App>) -> Html {
    html! {
        <button data-testid="share" onclick={ctx.link().callback(|_| super::Msg::Share(Msg::Make))}>{ t(lang, "share") }</button>
    }
}

/// The link made (a field to copy it from) and the bar over a held link's lab.
pub fn view(share: &Sharing, lang: Lang, ctx: &Context<App>) -> Html {
    let link = ctx.link();
    html! {
        <>
            if share.held {
                <div class="confirm" role="region" aria-label={t(lang, "share")} data-testid="share-held">
                    <p>{ t(lang, "share_held") }</p>
                    <button data-testid="share-keep" onclick={link.callback(|_| super::Msg::Share(Msg::Keep(true)))}>{ t(lang, "share_keep") }</button>
                    <button data-testid="share-back" onclick={link.callback(|_| super::Msg::Share(Msg::Keep(false)))}>{ t(lang, "share_back") }</button>
                </div>
            }
            if let Some(url) = &share.link {
                <div class="notice share">
                    <label>{ t(lang, "share_link") }
                        <input data-testid="share-link" readonly=true value={url.clone()} onfocus={Callback::from(select_all)} />
                    </label>
                    if let Some(w) = share.copied {
                        <span role="status" data-testid="share-status">{ t(lang, w) }</span>
                    }
                </div>
            }
        </>
    }
}

fn select_all(e: FocusEvent) {
    if let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
        el.select();
    }
}

/// The page's address (without its fragment) with `fragment` after `#`.
fn address(fragment: &str) -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{fragment}")
}

/// Takes the link out of the address (its lab is saved, or refused in favour of the saved
/// one), so that a reload opens the saved lab.
fn drop_fragment() {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let url = format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default());
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Copies `text` with `navigator.clipboard` where the browser has it and allows it.
async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let Ok(clip) = js_sys::Reflect::get(&w.navigator(), &"clipboard".into()) else { return false };
    let write =
        js_sys::Reflect::get(&clip, &"writeText".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write.filter(|_| !clip.is_undefined() && !clip.is_null()) else { return false };
    match write.call1(&clip, &text.into()).map(|v| v.unchecked_into::<js_sys::Promise>()) {
        Ok(p) => JsFuture::from(p).await.is_ok(),
        Err(_) => false,
    }
}

/// The link (`v1.…`, the fragment without `#`) of `share`, compressed by the browser: for
/// other parts of the page that make links ("Open in Kubelab"). Fails only where the browser
/// has no `CompressionStream`.
pub(crate) async fn link_of(share: &Share) -> Result<String, JsValue> {
    Ok(share::wrap(&deflate(share.to_json().as_bytes()).await?))
}

/// Raw DEFLATE of `bytes` by the browser.
async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let codec = CompressionStream::new("deflate-raw")?;
    let pair = web_sys::ReadableWritablePair::new(&codec.readable(), &codec.writable());
    let out = read_all(blob_stream(bytes)?.pipe_through(&pair), usize::MAX).await?;
    out.ok_or(JsValue::NULL)
}

/// `bytes` inflated by the browser, or `None` past `share::MAX_DECODED`.
async fn inflate(bytes: &[u8]) -> Result<Option<Vec<u8>>, JsValue> {
    let codec = DecompressionStream::new("deflate-raw")?;
    let pair = web_sys::ReadableWritablePair::new(&codec.readable(), &codec.writable());
    read_all(blob_stream(bytes)?.pipe_through(&pair), share::MAX_DECODED).await
}

fn blob_stream(bytes: &[u8]) -> Result<web_sys::ReadableStream, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    Ok(web_sys::Blob::new_with_u8_array_sequence(&parts)?.stream())
}

/// A stream's bytes; `None` (the stream cancelled) once they pass `cap`.
async fn read_all(stream: web_sys::ReadableStream, cap: usize) -> Result<Option<Vec<u8>>, JsValue> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await?;
        if js_sys::Reflect::get(&chunk, &"done".into())?.is_truthy() {
            return Ok(Some(out));
        }
        let value: js_sys::Uint8Array = js_sys::Reflect::get(&chunk, &"value".into())?.unchecked_into();
        let start = out.len();
        if start + value.length() as usize > cap {
            let _ = reader.cancel();
            return Ok(None);
        }
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
    }
}
