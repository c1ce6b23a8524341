//! The determinism script, shared by the native and the wasm32 test: a lab with random names
//! (a Deployment), ordinals (a StatefulSet), volumes, deletions and a watch.

use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

pub const SCRIPT: &str = "
kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx
kubectl apply -f deploy.yaml
@sleep 30s
kubectl get pods -o wide
kubectl delete pod -l app=nginx && kubectl get pods -w
kubectl get pvc,pv
kubectl describe pod web-0
kubectl get events
";

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy
spec:
  replicas: 3
  selector:
    matchLabels:
      app: deploy
  template:
    metadata:
      labels:
        app: deploy
    spec:
      containers:
      - name: nginx
        image: nginx:1.21
";

/// The transcript of `SCRIPT` with `seed`.
pub fn transcript(seed: u64) -> String {
    let mut s = Session::new(SimConfig::seeded(seed));
    s.write_file("web.yaml", include_str!("../../lessons/files/examples/application/web/web.yaml"));
    s.write_file("deploy.yaml", DEPLOY);
    kubelab::lab::replay::run_script(&mut s, SCRIPT)
}

/// Digest of `transcript(7)`. Not a golden of cluster behaviour: it only ties the native and the
/// wasm32 runs together (both tests assert this value).
pub const GOLDEN: u64 = 0x9761_6ad5_0467_6771;

/// FNV-1a 64 of the transcript: what both platforms must agree on.
pub fn digest(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
