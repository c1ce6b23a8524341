use kubelab::lab::Lab;
fn text(lab: &Lab, t: usize) -> String {
    lab.terms.get(t).map(|t| t.scrollback.iter().map(|(_, s)| s.as_str()).collect()).unwrap_or_default()
}
fn main() {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml");
    lab.run(0, "kubectl get pods -o wide");
    lab.step_event();
    println!("now {} busy {}", lab.now(), lab.busy(0));
    lab.run(0, "kubectl get pods -w | grep web");
    println!("now {} busy {}", lab.now(), lab.busy(0));
    lab.run(0, "kubectl apply -f web.yaml");
    println!("now {} busy {}", lab.now(), lab.busy(0));
    println!("journal {:?}", lab.journal.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>());
    let t0 = text(&lab, 0);
    let end = lab.now();
    lab.seek(0);
    lab.seek(end);
    println!("same: {}", t0 == text(&lab, 0));
    println!("---\n{}\n---\n{}", t0, text(&lab, 0));
}
