//! The object dialog: an object's `kubectl get -o yaml` as the cluster holds it now, over the
//! page (the page focuses its close button when it opens).

use crate::lab::i18n::t;
use crate::lab::page::{Action, Page};
use crate::sim::ObjKey;
use yew::prelude::*;

/// The dialog of object `k`; `close` is its close button.
pub fn view(p: &Page, k: &ObjKey, on: &Callback<Action>, close: &NodeRef) -> Html {
    let lang = p.lang;
    let text = crate::lab::view::object_yaml(&p.lab.session.sim, k).unwrap_or_else(|| {
        format!("{}\n", crate::kubectl::errors::Error::not_found(k.kind.info().plural, k.name.clone()))
    });
    html! {
        <div class="dialog" role="dialog" aria-modal="true" aria-label={t(lang, "object_yaml")} onkeydown={super::on_key(on, "Escape", || Action::Select(None))}>
            <div class="dialog-head">
                <strong>{ format!("kubectl get {} {} -o yaml", k.kind.info().singular, k.name) }</strong>
                <button data-testid="close-yaml" ref={close.clone()} onclick={on.reform(|_| Action::Select(None))}>{ t(lang, "close") }</button>
            </div>
            <pre data-testid="object-yaml">{ text }</pre>
        </div>
    }
}
