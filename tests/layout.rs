//! The diagram's layout without the page (`lab::layout`): lanes per node, each pod in its
//! node's lane with the disks it mounts under it, controllers above (owners above what they
//! own), Services below, links from owner to owned, no two cards on top of each other, and a
//! height that grows in steps once the drawing is tall.

use kubelab::lab::layout::{layout, Card, Layout, Rect, EXACT_HEIGHT, HEIGHT_STEP, LANE_W};
use kubelab::lab::view::{self, Diagram, Rel};
use kubelab::lab::Lab;
use kubelab::sim::Kind;

/// The seed lab after `lines`, its clock run `ms` after each.
fn diagram_after(lines: &[&str], ms: u64) -> Diagram {
    let mut lab = Lab::seed_lab();
    for l in lines {
        lab.run(0, l);
        lab.advance(ms);
    }
    view::diagram(&lab.session.sim)
}

fn card_of(l: &Layout<'_>, kind: Kind, name: &str) -> Rect {
    let key = |c: &Card<'_>| match *c {
        Card::Ctrl(c) => (c.key.kind, c.key.name.clone()),
        Card::Pod(p) => (p.key.kind, p.key.name.clone()),
        Card::Disk(d) => (d.claim.kind, d.claim.name.clone()),
    };
    l.cards
        .iter()
        .find(|(c, _)| key(c) == (kind, name.to_string()))
        .map(|(_, at)| *at)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn inside(inner: Rect, outer: Rect) -> bool {
    inner.0 >= outer.0
        && inner.0 + inner.2 <= outer.0 + outer.2
        && inner.1 >= outer.1
        && inner.1 + inner.3 <= outer.1 + outer.3
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[test]
fn pods_sit_in_their_nodes_lane_with_their_disks_under_them() {
    let d = diagram_after(&["kubectl apply -f web.yaml"], 120_000);
    let l = layout(&d, false);
    assert_eq!(l.lanes.len(), d.lanes.len());
    assert_eq!(l.width, d.lanes.len() as i32 * (LANE_W + 12));
    for lane in &d.lanes {
        let bg = l.lanes.iter().find(|b| b.node.as_deref() == Some(lane.node.as_str())).expect("a lane per node");
        for p in &lane.pods {
            let pod = card_of(&l, Kind::Pod, &p.key.name);
            assert!(inside(pod, bg.at), "{} in {}'s lane", p.key.name, lane.node);
            for claim in &p.claims {
                let disk = card_of(&l, Kind::PersistentVolumeClaim, claim);
                assert!(inside(disk, bg.at) && disk.1 >= pod.1 + pod.3, "{claim} under {}", p.key.name);
            }
        }
    }
    let web0 = card_of(&l, Kind::Pod, "web-0");
    let sts = card_of(&l, Kind::StatefulSet, "web");
    assert!(sts.1 + sts.3 < l.lanes[0].at.1, "controllers above the lanes");
    // The owner link runs from the StatefulSet's bottom to the pod's top.
    let link = l.links.iter().find(|k| k.from.name == "web" && k.to.name == "web-0").expect("owner link");
    assert_eq!((link.rel, link.line), (Rel::Owns, (sts.0 + sts.2 / 2, sts.1 + sts.3, web0.0 + web0.2 / 2, web0.1)));
    // Services below every lane; nothing drawn on top of anything else.
    let svc = l.services.iter().find(|s| s.service.key.name == "nginx").expect("the Service");
    assert!(l.lanes.iter().all(|b| b.at.1 + b.at.3 <= svc.at.1));
    for (i, (_, a)) in l.cards.iter().enumerate() {
        for (_, b) in &l.cards[i + 1..] {
            assert!(!overlap(*a, *b), "{a:?} and {b:?}");
        }
    }
    assert!(l.height >= svc.at.1 + svc.at.3 && l.height <= EXACT_HEIGHT);
    // A pure function: the same diagram, the same drawing.
    assert_eq!(layout(&d, false), l);
}

#[test]
fn a_deployment_sits_above_its_replicaset_and_claims_no_pod_mounts_stay_in_their_lane() {
    let d = diagram_after(
        &["kubectl apply -f deploy.yaml", "kubectl apply -f web.yaml", "kubectl scale sts web --replicas=1"],
        120_000,
    );
    let l = layout(&d, false);
    let rs = d.controllers.iter().find(|c| c.key.kind == Kind::ReplicaSet).expect("a ReplicaSet");
    let (dep, rs) = (card_of(&l, Kind::Deployment, "deploy"), card_of(&l, Kind::ReplicaSet, &rs.key.name));
    assert!(dep.1 + dep.3 <= rs.1, "owner above owned: {dep:?} {rs:?}");
    // web-1's claim outlives it, below the pods of its volume's lane.
    let kept = d.disks.iter().find(|x| x.claim.name == "www-web-1").expect("the claim stays");
    assert!(kept.used_by.is_none());
    let disk = card_of(&l, Kind::PersistentVolumeClaim, "www-web-1");
    let lane = l.lanes.iter().find(|b| b.node == kept.node).expect("its volume's lane");
    assert!(inside(disk, lane.at));
}

#[test]
fn unscheduled_pods_get_a_lane_and_a_tall_drawing_grows_in_steps() {
    // Pods no node has taken (the view model as the model gives it when none fits).
    let mut d = diagram_after(&["kubectl apply -f web.yaml"], 60_000);
    let busy = d.lanes.iter().position(|l| !l.pods.is_empty()).expect("a lane with pods");
    d.unscheduled = std::mem::take(&mut d.lanes[busy].pods);
    let l = layout(&d, false);
    assert_eq!(l.lanes.len(), d.lanes.len() + 1);
    let lane = l.lanes.last().unwrap();
    assert_eq!(lane.node, None);
    for p in &d.unscheduled {
        assert!(inside(card_of(&l, Kind::Pod, &p.key.name), lane.at));
    }
    let d = diagram_after(&["kubectl create deployment big --image=nginx --replicas=40"], 60_000);
    assert!(d.unscheduled.is_empty());
    // Kept for a while after the last one left, so the scale stays put.
    assert_eq!(layout(&d, true).lanes.len(), layout(&d, false).lanes.len() + 1);
    let l = layout(&d, false);
    assert!(l.height > EXACT_HEIGHT && l.height % HEIGHT_STEP == 0, "{}", l.height);
}
