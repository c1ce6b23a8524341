//! The cluster diagram and the Events panel: `view::diagram` laid out as lanes, one per node,
//! with pod cards, their disks, controllers above and Services with DNS below.
//!
//! The cards are HTML boxes placed in the drawing's units (the CSS scales a unit so that the
//! drawing fills the pane's width, as an SVG viewBox would); only the links are an SVG under
//! them. A box contains its own layout and paint and is skipped while out of view
//! (`contain: strict; content-visibility: auto`), so a card that changes costs the browser that
//! card, where one SVG of hundreds of cards was laid out and painted whole.

use crate::lab::i18n::t;
use crate::lab::layout::{self, Layout, CARD_H, CTRL_H, CTRL_W, DISK_H, LANE_W};
use crate::lab::page::Page;
use crate::lab::view::{self, Part, PodCard, Rel, Stage};
use crate::sim::{Kind, ObjKey};
use std::rc::Rc;
use yew::prelude::*;

fn stage_class(s: Stage) -> &'static str {
    match s {
        Stage::Pending => "stage-pending",
        Stage::Creating => "stage-creating",
        Stage::Running => "stage-running",
        Stage::Terminating => "stage-terminating",
        Stage::Failed => "stage-failed",
        Stage::Done => "stage-done",
    }
}

fn part_class(p: Part) -> &'static str {
    match p {
        Part::Stem => "stem",
        Part::Hash => "hash",
        Part::Random => "random",
        Part::Ordinal => "ordinal",
    }
}

fn select(on: &Callback<ObjKey>, k: ObjKey) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let k2 = k.clone();
    let on2 = on.clone();
    (
        on.reform(move |_| k.clone()),
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                // Space on a button-like card must not scroll the page.
                e.prevent_default();
                on2.emit(k2.clone());
            }
        }),
    )
}

fn kind_word(k: Kind) -> &'static str {
    k.info().kind_name
}

/// What the cluster drawing is made from: the diagram the lab read from the model (kept while
/// the model has not changed, so an unchanged drawing is not rebuilt each tick), the words it
/// shows, and where a click on a card goes.
#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub diagram: Rc<view::Diagram>,
    /// Whether the lane of unscheduled pods is drawn (`view::shows_unscheduled_lane`).
    pub unscheduled_lane: bool,
    pub words: Words,
    pub select: Callback<ObjKey>,
}

/// The page's words the drawing shows, in the page's language.
#[derive(Clone, PartialEq)]
pub struct Words {
    pub label: &'static str,
    pub unscheduled: &'static str,
    pub volumes: &'static str,
    pub more_records: &'static str,
}

/// The cluster drawing: what `lab::layout` places (controllers above the node lanes and
/// their pods and disks, Services and their DNS records below), and the links between the
/// cards.
#[function_component(Cluster)]
pub fn cluster(props: &ClusterProps) -> Html {
    let l = layout::layout(&props.diagram, props.unscheduled_lane);
    let on = &props.select;
    let (width, height) = (l.width, l.height);
    let lanes = lane_backgrounds(props.words.unscheduled, &l);
    let links = link_lines(&l);
    let cards = l.cards.iter().map(|(c, at)| {
        let what = match *c {
            layout::Card::Ctrl(c) => What::Ctrl(c.clone()),
            layout::Card::Pod(p) => What::Pod(p.clone()),
            layout::Card::Disk(d) => What::Disk(d.clone()),
        };
        card(on, what, at.0, at.1)
    });
    let services = service_cards(&props.words, on, &l);
    // Every child is keyed (yew then moves a card rather than rebuilding all after it).
    html! {
        <div class="cluster" data-testid="cluster-diagram" style={format!("--cw:{};height:calc({} * var(--u))", width + 8, height + 8)} role="group" aria-label={props.words.label}>
            { for lanes }
            <svg key="links" class="links" viewBox={format!("-4 -4 {} {}", width + 8, height + 8)} preserveAspectRatio="none" aria-hidden="true">{ for links }</svg>
            { for cards }
            { for services }
        </div>
    }
}

/// A diagram drawn small, as a picture (a lesson step's goal): the same boxes, colours and
/// links as the live drawing, each box with its object's or node's name in a small legible
/// size (cut short where the box ends), without focus or clicks (and no test ids: the live
/// drawing's are the page's).
pub fn picture(d: &view::Diagram, label: &'static str) -> Html {
    let l = layout::layout(d, false);
    let (width, height) = (l.width, l.height);
    let boxes = l
        .lanes
        .iter()
        .map(|lane| ("box lane".to_string(), lane.at, lane.node.clone().unwrap_or_default()))
        .chain(l.cards.iter().map(|(c, at)| {
            let (class, name) = match *c {
                layout::Card::Ctrl(c) => ("box ctrl".to_string(), c.key.name.clone()),
                layout::Card::Pod(p) => (format!("box pod {}", stage_class(p.stage)), p.key.name.clone()),
                layout::Card::Disk(d) => {
                    (format!("box disk{}", if d.phase == "Bound" { " bound" } else { "" }), d.claim.name.clone())
                }
            };
            (class, *at, name)
        }))
        .chain(l.services.iter().map(|s| ("box svc".to_string(), s.at, s.service.key.name.clone())));
    let boxes =
        boxes.map(|(class, (x, y, w, h), name)| html! { <div {class} style={place(x, y, w, h)}>{ name }</div> });
    html! {
        <div class="goal" role="img" aria-label={label}>
            <div class="cluster" style={format!("--cw:{};height:calc({} * var(--u))", width + 8, height + 8)}>
                <svg class="links" viewBox={format!("-4 -4 {} {}", width + 8, height + 8)} preserveAspectRatio="none" aria-hidden="true">{ for link_lines(&l) }</svg>
                { for boxes }
            </div>
        </div>
    }
}

/// Where a box is in the drawing, and its size, as the CSS variables `.box` reads.
fn place(x: i32, y: i32, w: i32, h: i32) -> String {
    format!("--x:{x};--y:{y};--bw:{w};--bh:{h}")
}

/// The cards of the objects a lesson's step names, lit by one style rule, so that no card is
/// drawn again when the step changes. A name that is not a plain object name lights nothing.
fn lit_rule(objects: &[crate::lab::lesson::check::ObjRef]) -> String {
    let plain = |n: &str| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    let card = |o: &crate::lab::lesson::check::ObjRef| match o.kind {
        Kind::Pod => format!("pod-{}", o.name),
        Kind::Service => format!("svc-{}", o.name),
        Kind::PersistentVolumeClaim => format!("pvc-{}", o.name),
        k => format!("ctrl-{}-{}", kind_word(k), o.name),
    };
    let cards: Vec<String> =
        objects.iter().filter(|o| plain(&o.name)).map(|o| format!(".cluster [data-testid=\"{}\"]", card(o))).collect();
    if cards.is_empty() {
        return String::new();
    }
    format!("{}{{box-shadow:inset 0 0 0 calc(3 * var(--u)) var(--focus)}}", cards.join(","))
}

/// The diagram pane: the cluster drawing, and the Events table under it (as the page last
/// read them: a new `Rc` only when they changed, so the drawing and the table are components
/// drawn again only then).
pub fn pane(p: &Page, select: &Callback<ObjKey>) -> Html {
    let lang = p.lang;
    let words = Words {
        label: t(lang, "diagram"),
        unscheduled: t(lang, "unscheduled"),
        volumes: t(lang, "volumes"),
        more_records: t(lang, "more_records"),
    };
    let guide = p.guide.borrow();
    let lit = guide.step().filter(|_| guide.open).map(|step| lit_rule(&step.highlight)).unwrap_or_default();
    let v = &p.views;
    html! {
        <section class="pane diagram" aria-label={t(lang, "diagram")}>
            if !lit.is_empty() { <style>{ lit }</style> }
            <div class="diagram-scroll">
                <Cluster diagram={v.diagram.clone()} unscheduled_lane={v.unscheduled_lane} words={words} select={select.clone()} />
            </div>
            <h2>{ t(lang, "events") }</h2>
            <EventsTable events={v.events.clone()} none={t(lang, "no_events")} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EventsProps {
    events: Rc<view::Events>,
    none: &'static str,
}

/// The Events table, newest first, a row per event keyed by it: a new event adds a row at the
/// top and moves the others, rather than writing every row's cells again.
#[function_component(EventsTable)]
fn events_table(p: &EventsProps) -> Html {
    let head: Vec<Html> = p.events.headers.iter().map(|h| html! { <th>{ h.clone() }</th> }).collect();
    let body = p.events.rows.iter().rev().map(|(key, cells)| {
        html! { <tr key={key.clone()}>{ for cells.iter().map(|c| html! { <td>{ c.clone() }</td> }) }</tr> }
    });
    html! {
        <div class="events-wrap">
            if p.events.rows.is_empty() {
                <p class="muted">{ p.none }</p>
            } else {
                <table class="events" data-testid="events">
                    <thead><tr>{ for head }</tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            }
        </div>
    }
}

/// What a card shows.
#[derive(Clone, PartialEq)]
enum What {
    Ctrl(view::ControllerCard),
    Pod(PodCard),
    Disk(view::Disk),
}

#[derive(Properties, PartialEq)]
struct CardProps {
    what: What,
    x: i32,
    y: i32,
    select: Callback<ObjKey>,
}

/// A card as a component: one whose object and place are unchanged is not drawn again.
#[function_component(Card)]
fn card_component(p: &CardProps) -> Html {
    match &p.what {
        What::Ctrl(c) => controller_html(&p.select, c, p.x, p.y),
        What::Pod(c) => pod_html(&p.select, c, p.x, p.y),
        What::Disk(d) => disk_html(&p.select, d, p.x, p.y),
    }
}

/// A card at `x`, `y`, keyed by its object.
fn card(on: &Callback<ObjKey>, what: What, x: i32, y: i32) -> Html {
    let key = match &what {
        What::Ctrl(c) => format!("c-{}-{}-{}", kind_word(c.key.kind), c.key.ns, c.key.name),
        What::Pod(p) => format!("p-{}-{}", p.key.ns, p.key.name),
        What::Disk(d) => format!("d-{}-{}", d.claim.ns, d.claim.name),
    };
    html! { <Card {key} {what} {x} {y} select={on.clone()} /> }
}

/// A controller's card.
fn controller_html(on: &Callback<ObjKey>, c: &view::ControllerCard, x: i32, y: i32) -> Html {
    let (click, key) = select(on, c.key.clone());
    html! {
        <div class="box ctrl" style={place(x, y, CTRL_W, CTRL_H)} tabindex="0" role="button" data-testid={format!("ctrl-{}-{}", kind_word(c.key.kind), c.key.name)} onclick={click} onkeydown={key}>
            <div class="kind">{ kind_word(c.key.kind) }</div>
            <div class="name">{ format!("{}  {}", c.key.name, c.ready) }</div>
        </div>
    }
}

/// A pod's card: its name in parts (stem, hash, random, ordinal), status, READY and IP.
fn pod_html(on: &Callback<ObjKey>, p: &PodCard, x: i32, y: i32) -> Html {
    let (click, key) = select(on, p.key.clone());
    let parts = p.name_parts.iter().map(|(s, k)| html! { <span class={part_class(*k)}>{ s.clone() }</span> });
    html! {
        <div class={classes!("box", "pod", stage_class(p.stage))} style={place(x, y, LANE_W - 12, CARD_H)}
            tabindex="0" role="button" data-testid={format!("pod-{}", p.key.name)} data-status={p.status.clone()} data-node={p.node.clone().unwrap_or_default()} onclick={click} onkeydown={key}>
            <div class="pod-name">{ for parts }</div>
            <div class="pod-status">{ format!("{}  {}", p.status, p.ready) }</div>
            <div class="pod-ip">{ if p.ip.is_empty() { "—".to_string() } else { p.ip.clone() } }</div>
        </div>
    }
}

/// The lanes' backgrounds, with the node's name and role (the lane of pods no node has
/// taken is named by `unscheduled`).
fn lane_backgrounds(unscheduled: &str, l: &Layout<'_>) -> Vec<Html> {
    l.lanes
        .iter()
        .map(|lane| {
            let node = lane.node.as_deref().unwrap_or(unscheduled);
            let (x, y, w, h) = lane.at;
            html! {
                <div key={format!("lane-{node}")} class="box lane" style={place(x, y, w, h)} data-testid={format!("lane-{node}")}>
                    <div class="node-name">{ node.to_string() }</div>
                    <div class="node-sub">{ lane.sub.clone() }</div>
                </div>
            }
        })
        .collect()
}

/// The Services' cards with their DNS records, then the volumes no claim holds.
fn service_cards(words: &Words, on: &Callback<ObjKey>, l: &Layout<'_>) -> Vec<Html> {
    let mut items = Vec::new();
    for b in &l.services {
        let s = b.service;
        let mut records: Vec<Html> = s.records[..b.shown].iter().map(|r| {
            let text = if r.lit { format!("{} {} {}", r.name, r.ty, r.value) } else { format!("{} {} …", r.name, r.ty) };
            html! { <div key={format!("{}-{}-{}", r.name, r.ty, r.value)} class={classes!("record", r.lit.then_some("lit"))}>{ text }</div> }
        }).collect();
        if b.more > 0 {
            records.push(
                html! { <div key="more" class="record">{ words.more_records.replace("{n}", &b.more.to_string()) }</div> },
            );
        }
        let (click, key) = select(on, s.key.clone());
        let (x, y, w, h) = b.at;
        items.push(html! {
            <div key={format!("s-{}-{}", s.key.ns, s.key.name)} class="box svc" style={place(x, y, w, h)} tabindex="0" role="button" data-testid={format!("svc-{}", s.key.name)} onclick={click} onkeydown={key}>
                <div class="name">{ format!("Service {}  {}", s.key.name, if s.cluster_ip == "None" { "(headless)" } else { s.cluster_ip.as_str() }) }</div>
                <div class="records">{ for records }</div>
            </div>
        });
    }
    for (name, phase, (x, y, w, h)) in &l.loose {
        let volumes = words.volumes;
        items.push(html! { <div key={format!("v-{name}")} class="box loose" style={place(*x, *y, *w, *h)}>{ format!("{volumes}: {name} ({phase})") }</div> });
    }
    items
}

/// The owner and mount links between placed cards.
fn link_lines(l: &Layout<'_>) -> Vec<Html> {
    l.links
        .iter()
        .map(|link| {
            let (a, b) = (link.from, link.to);
            let class = if link.rel == Rel::Owns { "link owns" } else { "link mounts" };
            let (x1, y1, x2, y2) = link.line;
            html! { <line key={format!("l-{}/{}/{}-{}/{}/{}-{}", kind_word(a.kind), a.ns, a.name, kind_word(b.kind), b.ns, b.name, class)} class={class} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> }
        })
        .collect()
}

fn disk_html(on: &Callback<ObjKey>, disk: &view::Disk, x: i32, y: i32) -> Html {
    let (click, key) = select(on, disk.claim.clone());
    let bound = disk.phase == "Bound";
    // The volume's name is long (`pvc-<uid>`): its first part tells volumes apart.
    let pv = disk
        .volume
        .as_deref()
        .map(|v| {
            if v.chars().count() > 22 {
                format!("{}…", v.chars().take(21).collect::<String>())
            } else {
                v.to_string()
            }
        })
        .unwrap_or_else(|| "…".into());
    html! {
        <div class={classes!("box", "disk", bound.then_some("bound"))} style={place(x, y, LANE_W - 44, DISK_H)} tabindex="0" role="button"
            data-testid={format!("pvc-{}", disk.claim.name)} data-phase={disk.phase.clone()} title={format!("{} → {}", disk.claim.name, disk.volume.clone().unwrap_or_default())} onclick={click} onkeydown={key}>
            <div class="disk-name">{ format!("{} {} {}", disk.claim.name, disk.phase, disk.capacity) }</div>
            <div class="disk-pv">{ pv }</div>
        </div>
    }
}
