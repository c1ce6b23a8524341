//! The timeline: the virtual clock, play and pause, the speeds, the next event, and the
//! scrubber that goes back to any earlier moment and forward again. It moves with every tick
//! of a playing clock, so it is drawn with the page rather than kept as a component.

use crate::lab::i18n::t;
use crate::lab::page::{Action, Page};
use yew::prelude::*;

/// `m:ss.s` of virtual time.
fn clock_text(ms: u64) -> String {
    format!("{}:{:02}.{}", ms / 60_000, (ms / 1000) % 60, (ms % 1000) / 100)
}

/// The timeline of the page `p`; its controls send to `on`.
pub fn view(p: &Page, on: &Callback<Action>) -> Html {
    let lang = p.lang;
    let now = p.lab.now();
    let horizon = p.lab.horizon.max(now);
    let speeds = [1u64, 2, 5, 10].iter().map(|&s| {
        html! { <button class="speed" aria-pressed={(p.speed == s).to_string()} onclick={on.reform(move |_| Action::Speed(s))}>{ format!("{s}×") }</button> }
    });
    let play = if p.playing {
        html! { <button data-testid="pause" onclick={on.reform(|_| Action::Pause)}>{ "❚❚ " }{ t(lang, "pause") }</button> }
    } else {
        html! { <button data-testid="play" onclick={on.reform(|_| Action::Play)}>{ "▶ " }{ t(lang, "play") }</button> }
    };
    // Seek when the scrubber is let go (each seek replays the journal from a snapshot).
    let seek = on.reform(|e: Event| {
        let el: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::Seek(el.value().parse::<f64>().map_or(0, |v| v.max(0.0) as u64))
    });
    html! {
        <section class="pane timeline" data-testid="timeline" aria-label={t(lang, "timeline")}>
            <span class="clock" data-testid="clock" title={t(lang, "clock")}>{ clock_text(now) }</span>
            { play }
            <span class="speeds" role="group" aria-label={t(lang, "speed")}>{ for speeds }</span>
            // ⇥ rather than ⏭: the common fonts have it (⏭ is in emoji fonts only, a box without one).
            <button data-testid="step" onclick={on.reform(|_| Action::Step)}>{ "⇥ " }{ t(lang, "step") }</button>
            <input type="range" data-testid="scrub" aria-label={t(lang, "scrub")} min="0" max={horizon.to_string()} step="any" value={now.to_string()} onchange={seek} />
            <span class="clock">{ clock_text(horizon) }</span>
        </section>
    }
}
