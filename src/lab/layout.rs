//! The cluster diagram's layout, a pure function of the view model (`view::Diagram`): where
//! each card goes, in the drawing's units. Controllers sit above the node lanes
//! (Deployments and StatefulSets, then ReplicaSets, so owner links run downwards), each pod
//! down its node's lane followed by the disks it mounts, claims no pod mounts below the pods
//! of their volume's lane, Services with their DNS records under the lanes, then the volumes no
//! claim holds. The page draws what this says (`ui::diagram`); `tests/layout.rs` checks it.

use crate::lab::view::{ControllerCard, Diagram, Disk, PodCard, Rel, ServiceCard};
use crate::sim::ObjKey;
use crate::support::collections::VecMap;

pub const LANE_W: i32 = 236;
pub const GAP: i32 = 12;
pub const CARD_H: i32 = 62;
pub const DISK_H: i32 = 30;
pub const CTRL_W: i32 = 200;
pub const CTRL_H: i32 = 40;
pub const HEAD_H: i32 = 40;
/// Most DNS records a Service's card lists.
pub const MAX_RECORDS: usize = 24;
/// Above this height the drawing's height grows in steps of `HEIGHT_STEP`, so that a lane
/// growing by a card does not change the drawing's scale (which makes the browser lay out
/// every card again).
pub const EXACT_HEIGHT: i32 = 1200;
pub const HEIGHT_STEP: i32 = 800;

/// A box's place: x, y, width, height.
pub type Rect = (i32, i32, i32, i32);

/// What a card shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Card<'a> {
    Ctrl(&'a ControllerCard),
    Pod(&'a PodCard),
    Disk(&'a Disk),
}

/// A lane's background: its node (none for the pods no node has taken) and the line under
/// the name (role and IP).
#[derive(Clone, Debug, PartialEq)]
pub struct LaneBox {
    pub node: Option<String>,
    pub sub: String,
    pub at: Rect,
}

/// A Service's card: the records it lists (the first `MAX_RECORDS`) and how many more.
#[derive(Clone, Debug, PartialEq)]
pub struct SvcBox<'a> {
    pub service: &'a ServiceCard,
    pub at: Rect,
    pub shown: usize,
    pub more: usize,
}

/// A link between two placed cards: from the middle of the first's bottom to the middle of the
/// second's top.
#[derive(Clone, Debug, PartialEq)]
pub struct Link<'a> {
    pub from: &'a ObjKey,
    pub to: &'a ObjKey,
    pub rel: Rel,
    pub line: (i32, i32, i32, i32),
}

/// The whole drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout<'a> {
    /// The drawing's width and height (the height past `EXACT_HEIGHT` in steps).
    pub width: i32,
    pub height: i32,
    pub lanes: Vec<LaneBox>,
    /// The cards in drawing order, each with its object and place.
    pub cards: Vec<(Card<'a>, Rect)>,
    pub services: Vec<SvcBox<'a>>,
    /// The volumes no claim holds: name, phase, place.
    pub loose: Vec<(&'a str, &'a str, Rect)>,
    /// Owner and mount links (bindings are not drawn).
    pub links: Vec<Link<'a>>,
}

/// A lane while it is filled: its node, the line under its name, its pods.
type LaneCards<'a> = (Option<&'a str>, String, Vec<&'a PodCard>);

/// The layout of `d`; with `with_unscheduled`, a lane for the pods no node has taken (also
/// when there are none, so that the scale stays put for a while: `view::shows_unscheduled_lane`).
pub fn layout(d: &Diagram, with_unscheduled: bool) -> Layout<'_> {
    let with_unscheduled = with_unscheduled || !d.unscheduled.is_empty();
    let mut lanes: Vec<LaneCards<'_>> = d
        .lanes
        .iter()
        .map(|l| (Some(l.node.as_str()), format!("{} {}", l.role, l.ip), l.pods.iter().collect()))
        .collect();
    if with_unscheduled {
        lanes.push((None, String::new(), d.unscheduled.iter().collect()));
    }
    let width = lanes.len() as i32 * (LANE_W + GAP);
    let mut l = Layout { width, ..Layout::default() };
    let mut pos: VecMap<ObjKey, Rect> = VecMap::new();
    let top = controllers(&mut l, &mut pos, d, width);
    let (lane_y, bottom) = pods(&mut l, &mut pos, d, &lanes, top);
    let bottom = loose_disks(&mut l, &mut pos, d, &lanes, top, lane_y, bottom);
    l.lanes = lanes
        .into_iter()
        .enumerate()
        .map(|(i, (node, sub, _))| LaneBox {
            node: node.map(str::to_string),
            sub,
            at: (i as i32 * (LANE_W + GAP), top, LANE_W, bottom - top + 8),
        })
        .collect();
    let sy = services(&mut l, d, width, bottom + 20);
    l.links = d
        .links
        .iter()
        .filter(|(_, _, rel)| *rel != Rel::Binds)
        .filter_map(|(a, b, rel)| {
            let (ax, ay, aw, ah) = *pos.get(a)?;
            let (bx, by, bw, _) = *pos.get(b)?;
            Some(Link { from: a, to: b, rel: *rel, line: (ax + aw / 2, ay + ah, bx + bw / 2, by) })
        })
        .collect();
    l.height = match sy + 10 {
        h if h <= EXACT_HEIGHT => h,
        h => (h + HEIGHT_STEP - 1) / HEIGHT_STEP * HEIGHT_STEP,
    };
    l
}

/// Places a card.
fn put<'a>(l: &mut Layout<'a>, pos: &mut VecMap<ObjKey, Rect>, key: &ObjKey, card: Card<'a>, at: Rect) {
    pos.insert(key.clone(), at);
    l.cards.push((card, at));
}

/// Controllers above the lanes: Deployments and StatefulSets first, ReplicaSets under them,
/// so owner links run downwards (Deployment → ReplicaSet → Pods). The y where lanes start.
fn controllers<'a>(l: &mut Layout<'a>, pos: &mut VecMap<ObjKey, Rect>, d: &'a Diagram, width: i32) -> i32 {
    use crate::sim::Kind;
    let per_row = (width / (CTRL_W + GAP)).max(1);
    let mut rows = 0;
    for tier in [[Kind::Deployment, Kind::StatefulSet].as_slice(), [Kind::ReplicaSet].as_slice()] {
        let cards: Vec<&ControllerCard> = d.controllers.iter().filter(|c| tier.contains(&c.key.kind)).collect();
        for (i, c) in cards.iter().enumerate() {
            let (x, y) = ((i as i32 % per_row) * (CTRL_W + GAP), (rows + i as i32 / per_row) * (CTRL_H + GAP));
            put(l, pos, &c.key, Card::Ctrl(c), (x, y, CTRL_W, CTRL_H));
        }
        rows += (cards.len() as i32 + per_row - 1) / per_row;
    }
    rows * (CTRL_H + GAP) + 24
}

/// The pods down each lane from `top`, each followed by the disks it mounts; the y where
/// each lane ends (by lane), and the lowest.
fn pods<'a>(
    l: &mut Layout<'a>,
    pos: &mut VecMap<ObjKey, Rect>,
    d: &'a Diagram,
    lanes: &[LaneCards<'a>],
    top: i32,
) -> (Vec<i32>, i32) {
    let mut bottom = top + HEAD_H;
    let mut lane_y = Vec::new();
    for (i, (_, _, cards)) in lanes.iter().enumerate() {
        let x = i as i32 * (LANE_W + GAP);
        let mut y = top + HEAD_H;
        for p in cards {
            put(l, pos, &p.key, Card::Pod(p), (x + 6, y, LANE_W - 12, CARD_H));
            y += CARD_H + 4;
            y = mounted_disks(l, pos, d, p, x, y);
            y += GAP;
        }
        lane_y.push(y);
        bottom = bottom.max(y);
    }
    (lane_y, bottom)
}

/// The disks a pod mounts, under its card at `y` (each placed once); the y below them.
fn mounted_disks<'a>(
    l: &mut Layout<'a>,
    pos: &mut VecMap<ObjKey, Rect>,
    d: &'a Diagram,
    p: &PodCard,
    x: i32,
    mut y: i32,
) -> i32 {
    for c in &p.claims {
        let placed = |k: &ObjKey| pos.contains_key(k);
        let Some(disk) = d.disks.iter().find(|x| x.claim.ns == p.key.ns && x.claim.name == *c && !placed(&x.claim))
        else {
            continue;
        };
        put(l, pos, &disk.claim, Card::Disk(disk), (x + 22, y, LANE_W - 44, DISK_H));
        y += DISK_H + 4;
    }
    y
}

/// Claims no pod mounts now: in their volume's lane (the last when it has none), below the
/// pods. The lowest y.
fn loose_disks<'a>(
    l: &mut Layout<'a>,
    pos: &mut VecMap<ObjKey, Rect>,
    d: &'a Diagram,
    lanes: &[LaneCards<'a>],
    top: i32,
    mut lane_y: Vec<i32>,
    mut bottom: i32,
) -> i32 {
    for disk in d.disks.iter().filter(|x| x.used_by.is_none()) {
        let lane = disk
            .node
            .as_deref()
            .and_then(|n| lanes.iter().position(|(name, _, _)| *name == Some(n)))
            .unwrap_or(lanes.len().saturating_sub(1));
        let x = lane as i32 * (LANE_W + GAP) + 22;
        if lane_y.is_empty() {
            lane_y.push(top + HEAD_H);
        }
        let y = &mut lane_y[lane.min(lanes.len().saturating_sub(1))];
        put(l, pos, &disk.claim, Card::Disk(disk), (x, *y, LANE_W - 44, DISK_H));
        *y += DISK_H + GAP;
        bottom = bottom.max(*y);
    }
    bottom
}

/// Services and their DNS records from `sy` down, then the volumes no claim holds; the y
/// below them.
fn services<'a>(l: &mut Layout<'a>, d: &'a Diagram, width: i32, mut sy: i32) -> i32 {
    for s in &d.services {
        // A Service of hundreds of pods lists its first records and how many more it has.
        let shown = s.records.len().min(MAX_RECORDS);
        let more = s.records.len() - shown;
        let h = 40 + 16 * (shown + usize::from(more > 0)) as i32;
        l.services.push(SvcBox { service: s, at: (0, sy, width - GAP, h + 8), shown, more });
        sy += h + 8 + GAP;
    }
    for (name, phase) in &d.loose_volumes {
        l.loose.push((name, phase, (4, sy, width - GAP - 4, 20)));
        sy += 20;
    }
    sy
}
