//! scratch
mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

#[test]
fn scratch() {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.write_file("sel.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: c\n    image: nginx\n");
    s.run_line("kubectl apply -f sel.yaml");
    for m in [0u64, 1, 5, 6, 11, 12, 17, 30, 31, 40, 61, 90] {
        let now = s.sim.now().ms();
        s.sim.advance(m * 60_000 - now.min(m * 60_000));
        let (o, _) = s.run_line("kubectl describe pod p");
        println!("== {m}m\n{}", o.stdout().split("Events:").nth(1).unwrap_or(""));
        let (o, _) = s.run_line("kubectl get events");
        println!("{}", o.stdout());
    }
}
