//! Component tests: the yew app mounted in headless Chromium (wasm-bindgen-test-runner with
//! chromedriver; see scripts/test). Events are dispatched as the browser would dispatch them.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn settle() {
    for _ in 0..3 {
        yew::platform::time::sleep(Duration::ZERO).await;
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh app in its own element, with storage cleared. Dropping the guard unmounts it
/// (its clock stops, so it cannot write to storage during the next test).
struct Mounted {
    root: Element,
    app: Option<yew::AppHandle<kubelab::ui::App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

async fn mount() -> Mounted {
    let _ = web_sys::window().unwrap().local_storage().unwrap().unwrap().clear();
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    let app = kubelab::ui::mount(div.clone());
    settle().await;
    Mounted { root: div, app: Some(app) }
}

fn find(root: &Element, testid: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{testid}\"]")).unwrap().unwrap_or_else(|| panic!("no {testid}"))
}

fn input_event() -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict("input", &init).unwrap()
}

async fn type_line(root: &Element, line: &str) {
    let input: HtmlInputElement = find(root, "terminal-input").dyn_into().unwrap();
    input.set_value(line);
    input.dispatch_event(&input_event()).unwrap();
    settle().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&e).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn terminal_runs_kubectl_through_the_model() {
    let m = mount().await;
    let root = &m.root;
    assert_eq!(find(root, "terminal").text_content().unwrap(), "root@k8s-m:~# ");
    type_line(root, "kubectl get ns").await;
    let text = find(root, "terminal").text_content().unwrap();
    assert!(
        text.starts_with(
            "root@k8s-m:~# kubectl get ns\nNAME                 STATUS   AGE\ndefault              Active"
        ),
        "{text}"
    );
    assert!(text.contains("\nlocal-path-storage   Active   "), "{text}");
    assert!(text.ends_with("root@k8s-m:~# "), "{text}");
}

#[wasm_bindgen_test]
async fn applying_draws_the_statefulset_and_its_first_pod() {
    let m = mount().await;
    let root = &m.root;
    type_line(root, "kubectl apply -f web.yaml").await;
    let diagram = find(root, "cluster-diagram");
    assert!(diagram.query_selector("[data-testid=\"ctrl-StatefulSet-web\"]").unwrap().is_some());
    let pod = find(&diagram, "pod-web-0");
    assert_eq!(pod.get_attribute("data-status").as_deref(), Some("Pending"));
    assert!(root.query_selector("[data-testid=\"pod-web-1\"]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn editor_shows_diagnostics_as_you_type() {
    let m = mount().await;
    let root = &m.root;
    assert_eq!(find(root, "diagnostics").text_content().unwrap(), "No problems found");
    let editor: HtmlTextAreaElement = find(root, "yaml-editor").dyn_into().unwrap();
    editor.set_value(&editor.value().replace("serviceName:", "servicename:"));
    editor.dispatch_event(&input_event()).unwrap();
    settle().await;
    let d = find(root, "diagnostics").text_content().unwrap();
    assert!(d.contains("unknown field \"servicename\"; did you mean \"serviceName\"?"), "{d}");
}

#[wasm_bindgen_test]
async fn language_switch_changes_every_control() {
    let m = mount().await;
    let root = &m.root;
    let controls = ["apply", "compare", "reset", "step", "new-file"];
    let words = |root: &Element| controls.iter().map(|c| find(root, c).text_content().unwrap()).collect::<Vec<_>>();
    let before = words(root);
    let lang: web_sys::HtmlElement = find(root, "lang").dyn_into().unwrap();
    lang.click();
    settle().await;
    let after = words(root);
    for (b, a) in before.iter().zip(&after) {
        assert_ne!(b, a, "every control changes language");
    }
    assert!(after.contains(&"적용".to_string()) || before.contains(&"적용".to_string()));
    lang.click();
    settle().await;
    assert_eq!(words(root), before);
}
