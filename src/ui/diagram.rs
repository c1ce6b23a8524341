//! The cluster diagram and the Events panel: `view::diagram` laid out as lanes, one per node,
//! with pod cards, their disks, controllers above and Services with DNS below.
//!
//! The cards are HTML boxes placed in the drawing's units (the CSS scales a unit so that the
//! drawing fills the pane's width, as an SVG viewBox would); only the links are an SVG under
//! them. A box contains its own layout and paint and is skipped while out of view
//! (`contain: strict; content-visibility: auto`), so a card that changes costs the browser that
//! card, where one SVG of hundreds of cards was laid out and painted whole.

use super::App;
use crate::lab::view::{self, Part, PodCard, Rel, Stage};
use crate::sim::{Kind, ObjKey};
use crate::support::collections::VecMap;
use std::rc::Rc;
use yew::prelude::*;

const LANE_W: i32 = 236;
const GAP: i32 = 12;
const CARD_H: i32 = 62;
const DISK_H: i32 = 30;
const CTRL_W: i32 = 200;
const CTRL_H: i32 = 40;
const HEAD_H: i32 = 40;
/// How many of the newest events the panel lists.
pub const EVENT_ROWS: usize = 60;

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

/// A card's place in the SVG: x, y, width, height.
type Rect = (i32, i32, i32, i32);

/// A lane: its node's name, the line under it (role and IP) and its pods.
type LaneCards<'a> = (String, String, Vec<&'a PodCard>);

/// The cards laid out so far: where each object's card is (the links run between them) and
/// the SVG of each, in drawing order.
#[derive(Default)]
struct Placed {
    pos: VecMap<ObjKey, Rect>,
    items: Vec<Html>,
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

/// Most DNS records a Service's card lists.
const MAX_RECORDS: usize = 24;

/// Above this height (SVG units) the drawing's height grows in steps of `HEIGHT_STEP`, so that
/// a lane growing by a card does not change the drawing's scale, which makes the browser lay
/// out every card again.
const EXACT_HEIGHT: i32 = 1200;
const HEIGHT_STEP: i32 = 800;

/// The cluster drawing: controllers above the node lanes and their pods and disks, Services
/// and their DNS records below, the links between the cards.
#[function_component(Cluster)]
pub fn cluster(props: &ClusterProps) -> Html {
    let d = &*props.diagram;
    let on = &props.select;
    let mut placed = Placed::default();
    let with_unscheduled = props.unscheduled_lane || !d.unscheduled.is_empty();
    let width = (d.lanes.len() as i32 + i32::from(with_unscheduled)) * (LANE_W + GAP);
    let top = placed.controllers(on, d, width);
    let lanes = lane_cards(props.words.unscheduled, d, with_unscheduled);
    let (lane_y, bottom) = placed.pods(on, d, &lanes, top);
    let bottom = placed.loose_disks(on, d, &lanes, top, lane_y, bottom);
    let lane_items = lane_backgrounds(&lanes, top, bottom - top + 8);
    let (svc_items, sy) = service_cards(&props.words, on, d, width, bottom + 20);
    let links = link_lines(d, &placed.pos);
    let items = placed.items;
    let height = match sy + 10 {
        h if h <= EXACT_HEIGHT => h,
        h => (h + HEIGHT_STEP - 1) / HEIGHT_STEP * HEIGHT_STEP,
    };
    // Every child is keyed (yew then moves a card rather than rebuilding all after it).
    html! {
        <div class="cluster" data-testid="cluster-diagram" style={format!("--cw:{};height:calc({} * var(--u))", width + 8, height + 8)} role="group" aria-label={props.words.label}>
            { for lane_items }
            <svg key="links" class="links" viewBox={format!("-4 -4 {} {}", width + 8, height + 8)} preserveAspectRatio="none" aria-hidden="true">{ for links }</svg>
            { for items }
            { for svc_items }
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

/// The diagram pane: the cluster drawing, and the Events table under it (read by the app with
/// the drawing; its LAST SEEN column moves with the clock).
pub fn view(app: &App) -> Html {
    let words = Words {
        label: app.tr("diagram"),
        unscheduled: app.tr("unscheduled"),
        volumes: app.tr("volumes"),
        more_records: app.tr("more_records"),
    };
    let guide = app.guide.borrow();
    let lit = guide.step().filter(|_| guide.open).map(|step| lit_rule(&step.highlight)).unwrap_or_default();
    html! {
        <section class="pane diagram" aria-label={app.tr("diagram")}>
            if !lit.is_empty() { <style>{ lit }</style> }
            <div class="diagram-scroll">
                <Cluster diagram={app.diagram.clone()} unscheduled_lane={app.unscheduled_lane} words={words} select={app.on_select.clone()} />
            </div>
            <h2>{ app.tr("events") }</h2>
            <EventsTable events={app.events.clone()} none={app.tr("no_events")} />
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

/// The lanes: one per node, and one for the pods no node has taken when `with_unscheduled`.
fn lane_cards<'a>(unscheduled: &str, d: &'a view::Diagram, with_unscheduled: bool) -> Vec<LaneCards<'a>> {
    let mut lanes: Vec<LaneCards<'a>> =
        d.lanes.iter().map(|l| (l.node.clone(), format!("{} {}", l.role, l.ip), l.pods.iter().collect())).collect();
    if with_unscheduled {
        lanes.push((unscheduled.to_string(), String::new(), d.unscheduled.iter().collect()));
    }
    lanes
}

impl Placed {
    /// Places a card.
    fn put(&mut self, key: ObjKey, at: Rect, card: Html) {
        self.pos.insert(key, at);
        self.items.push(card);
    }

    /// Controllers above the lanes: Deployments and StatefulSets first, ReplicaSets under them,
    /// so owner links run downwards (Deployment → ReplicaSet → Pods). The y where lanes start.
    fn controllers(&mut self, on: &Callback<ObjKey>, d: &view::Diagram, width: i32) -> i32 {
        let per_row = (width / (CTRL_W + GAP)).max(1);
        let mut rows = 0;
        for tier in [[Kind::Deployment, Kind::StatefulSet].as_slice(), [Kind::ReplicaSet].as_slice()] {
            let cards: Vec<_> = d.controllers.iter().filter(|c| tier.contains(&c.key.kind)).collect();
            for (i, c) in cards.iter().enumerate() {
                let (x, y) = ((i as i32 % per_row) * (CTRL_W + GAP), (rows + i as i32 / per_row) * (CTRL_H + GAP));
                self.put(c.key.clone(), (x, y, CTRL_W, CTRL_H), card(on, What::Ctrl((*c).clone()), x, y));
            }
            rows += (cards.len() as i32 + per_row - 1) / per_row;
        }
        rows * (CTRL_H + GAP) + 24
    }

    /// The pods down each lane from `top`, each followed by the disks it mounts; the y where
    /// each lane ends, and the lowest.
    fn pods(
        &mut self,
        on: &Callback<ObjKey>,
        d: &view::Diagram,
        lanes: &[LaneCards<'_>],
        top: i32,
    ) -> (VecMap<String, i32>, i32) {
        let mut bottom = top + HEAD_H;
        let mut lane_y: VecMap<String, i32> = VecMap::new();
        for (i, (node, _, pods)) in lanes.iter().enumerate() {
            let x = i as i32 * (LANE_W + GAP);
            let mut y = top + HEAD_H;
            for p in pods {
                self.put(p.key.clone(), (x + 6, y, LANE_W - 12, CARD_H), card(on, What::Pod((*p).clone()), x + 6, y));
                y += CARD_H + 4;
                y = self.mounted_disks(on, d, p, x, y);
                y += GAP;
            }
            lane_y.insert(node.clone(), y);
            bottom = bottom.max(y);
        }
        (lane_y, bottom)
    }

    /// The disks a pod mounts, under its card at `y` (each placed once); the y below them.
    fn mounted_disks(&mut self, on: &Callback<ObjKey>, d: &view::Diagram, p: &PodCard, x: i32, mut y: i32) -> i32 {
        for c in &p.claims {
            let Some(disk) = d
                .disks
                .iter()
                .find(|x| x.claim.ns == p.key.ns && x.claim.name == *c && !self.pos.contains_key(&x.claim))
            else {
                continue;
            };
            self.put(
                disk.claim.clone(),
                (x + 22, y, LANE_W - 44, DISK_H),
                card(on, What::Disk(disk.clone()), x + 22, y),
            );
            y += DISK_H + 4;
        }
        y
    }

    /// Claims no pod mounts now: in their volume's lane, below the pods. The lowest y.
    fn loose_disks(
        &mut self,
        on: &Callback<ObjKey>,
        d: &view::Diagram,
        lanes: &[LaneCards<'_>],
        top: i32,
        mut lane_y: VecMap<String, i32>,
        mut bottom: i32,
    ) -> i32 {
        for disk in d.disks.iter().filter(|x| x.used_by.is_none()) {
            let lane = disk
                .node
                .as_deref()
                .and_then(|n| lanes.iter().position(|(name, _, _)| name == n))
                .unwrap_or(lanes.len().saturating_sub(1));
            let x = lane as i32 * (LANE_W + GAP) + 22;
            let name = lanes.get(lane).map(|l| l.0.clone()).unwrap_or_default();
            let y = lane_y.entry(name).or_insert(top + HEAD_H);
            self.put(disk.claim.clone(), (x, *y, LANE_W - 44, DISK_H), card(on, What::Disk(disk.clone()), x, *y));
            *y += DISK_H + GAP;
            bottom = bottom.max(*y);
        }
        bottom
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

/// The lanes' backgrounds, `height` tall from `top`, with the node's name and role.
fn lane_backgrounds(lanes: &[LaneCards<'_>], top: i32, height: i32) -> Vec<Html> {
    lanes
        .iter()
        .enumerate()
        .map(|(i, (node, sub, _))| {
            let x = i as i32 * (LANE_W + GAP);
            html! {
                <div key={format!("lane-{node}")} class="box lane" style={place(x, top, LANE_W, height)} data-testid={format!("lane-{node}")}>
                    <div class="node-name">{ node.clone() }</div>
                    <div class="node-sub">{ sub.clone() }</div>
                </div>
            }
        })
        .collect()
}

/// Services and their DNS records from `sy` down, then the volumes no claim holds; the y
/// below them.
fn service_cards(words: &Words, on: &Callback<ObjKey>, d: &view::Diagram, width: i32, mut sy: i32) -> (Vec<Html>, i32) {
    let mut svc_items = Vec::new();
    for s in &d.services {
        // A Service of hundreds of pods lists its first records and how many more it has.
        let shown = s.records.len().min(MAX_RECORDS);
        let more = s.records.len() - shown;
        let h = 40 + 16 * (shown + usize::from(more > 0)) as i32;
        let mut records: Vec<Html> = s.records[..shown].iter().map(|r| {
            let text = if r.lit { format!("{} {} {}", r.name, r.ty, r.value) } else { format!("{} {} …", r.name, r.ty) };
            html! { <div key={format!("{}-{}-{}", r.name, r.ty, r.value)} class={classes!("record", r.lit.then_some("lit"))}>{ text }</div> }
        }).collect();
        if more > 0 {
            records.push(
                html! { <div key="more" class="record">{ words.more_records.replace("{n}", &more.to_string()) }</div> },
            );
        }
        let (click, key) = select(on, s.key.clone());
        svc_items.push(html! {
            <div key={format!("s-{}-{}", s.key.ns, s.key.name)} class="box svc" style={place(0, sy, width - GAP, h + 8)} tabindex="0" role="button" data-testid={format!("svc-{}", s.key.name)} onclick={click} onkeydown={key}>
                <div class="name">{ format!("Service {}  {}", s.key.name, if s.cluster_ip == "None" { "(headless)" } else { s.cluster_ip.as_str() }) }</div>
                <div class="records">{ for records }</div>
            </div>
        });
        sy += h + 8 + GAP;
    }
    for (name, phase) in &d.loose_volumes {
        let volumes = words.volumes;
        svc_items.push(html! { <div key={format!("v-{name}")} class="box loose" style={place(4, sy, width - GAP - 4, 20)}>{ format!("{volumes}: {name} ({phase})") }</div> });
        sy += 20;
    }
    (svc_items, sy)
}

/// The owner and mount links between placed cards (bindings are not drawn).
fn link_lines(d: &view::Diagram, pos: &VecMap<ObjKey, Rect>) -> Vec<Html> {
    d.links
        .iter()
        .filter_map(|(a, b, rel)| {
            let (ax, ay, aw, ah) = *pos.get(a)?;
            let (bx, by, bw, _) = *pos.get(b)?;
            let class = match rel {
                Rel::Owns => "link owns",
                Rel::Mounts => "link mounts",
                Rel::Binds => return None,
            };
            Some(html! { <line key={format!("l-{}/{}/{}-{}/{}/{}-{}", kind_word(a.kind), a.ns, a.name, kind_word(b.kind), b.ns, b.name, class)} class={class} x1={(ax + aw / 2).to_string()} y1={(ay + ah).to_string()} x2={(bx + bw / 2).to_string()} y2={by.to_string()} /> })
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
