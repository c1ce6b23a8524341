//! The cluster's own pods, there from the start as kubeadm leaves them: the control plane's
//! static pods on the control-plane node, kube-proxy on every node (a DaemonSet), CoreDNS (a
//! Deployment of two), and local-path-provisioner in `local-path-storage`. They run from
//! before the lab begins; the kubelet leaves them be.
// k8s-diff: the CNI's pods are left out (which CNI the seed's cluster ran is not known), and
// the static pods carry no command or volumes. kube-proxy's DaemonSet is not modelled, nor the
// kubelet's static pods: a deleted kube-proxy or static pod stays gone (CoreDNS's and
// local-path-provisioner's ReplicaSets do replace theirs).

use super::{kubelet, names, obj, ObjKey, Sim};
use crate::jv;
use serde_json::Value;

/// The namespaces of the cluster's own pods.
pub fn is_system_namespace(ns: &str) -> bool {
    ns == "kube-system" || ns == "local-path-storage"
}

/// The kubeadm release's etcd and CoreDNS images, and the pod-template-hash of its CoreDNS
/// Deployment (the same in every cluster of a release).
fn kubeadm_images(minor: u32) -> (&'static str, &'static str, Option<&'static str>) {
    match minor {
        ..=23 => ("3.5.1-0", "v1.8.6", Some("64897985d")),
        24 => ("3.5.3-0", "v1.8.6", Some("6d4b75cb6d")),
        25 => ("3.5.4-0", "v1.9.3", Some("565d847f94")),
        26 => ("3.5.6-0", "v1.9.3", Some("787d4945fb")),
        27 => ("3.5.7-0", "v1.10.1", Some("5d78c9869d")),
        28 => ("3.5.9-0", "v1.10.1", Some("5dd5756b68")),
        _ => ("3.5.12-0", "v1.11.1", None),
    }
}

fn running_status(c_names: &[(&str, String)], host_ip: &str, pod_ip: &str, ts: &str) -> Value {
    let statuses: Vec<Value> = c_names
        .iter()
        .map(|(name, image)| {
            let full = super::images::normalize(image).unwrap_or_else(|_| image.clone());
            let repo = full.rsplit_once(':').map_or(full.as_str(), |(r, _)| r).to_string();
            let digest: String = (0..8u8).map(|i| format!("{:08x}", names::fnv1a32(&[&[i][..], full.as_bytes()].concat()))).collect();
            let id: String = (0..8u8).map(|i| format!("{:08x}", names::fnv1a32(&[&[i, 1][..], name.as_bytes(), pod_ip.as_bytes(), host_ip.as_bytes()].concat()))).collect();
            jv!({"name":name,"image":image,"imageID":format!("{repo}@sha256:{digest}"),"containerID":format!("containerd://{id}"),"ready":true,"started":true,"restartCount":0,"lastState":{},"state":{"running":{"startedAt":ts}}})
        })
        .collect();
    jv!({"phase":"Running","hostIP":host_ip,"podIP":pod_ip,"podIPs":[{"ip":pod_ip}],"startTime":ts,"qosClass":"Burstable",
        "conditions":[
            {"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":ts},
            {"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":ts},
            {"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":ts},
            {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":ts}],
        "containerStatuses":statuses})
}

/// A pod to create: the object, its containers' names and images, its node's IP and its own.
type Planned = (Value, Vec<(&'static str, String)>, String, String);

/// Creates the system pods (and CoreDNS's and local-path-provisioner's Deployments and
/// ReplicaSets) at bootstrap, running since `ts`.
pub fn bootstrap(sim: &mut Sim, ts: &str) {
    // The controllers look once everything is there (the caller settles).
    let settling = std::mem::replace(&mut sim.settling, true);
    make(sim, ts);
    sim.settling = settling;
}

fn make(sim: &mut Sim, ts: &str) {
    let minor = sim.profile.server_minor();
    let version = sim.profile.kubernetes_version.clone();
    let (etcd, coredns, coredns_hash) = kubeadm_images(minor);
    let nodes = sim.profile.nodes.clone();
    let Some(cp) = nodes.iter().find(|n| n.role == "control-plane").cloned() else { return };
    let cp_uid = sim.get(super::Kind::Node, "", &cp.name).map(|n| obj::uid(n).to_string()).unwrap_or_default();
    let mut pods: Vec<Planned> = Vec::new();
    // Static pods: mirror pods owned by their node.
    for (component, image, cpu) in [
        ("etcd", format!("registry.k8s.io/etcd:{etcd}"), "100m"),
        ("kube-apiserver", format!("registry.k8s.io/kube-apiserver:v{version}"), "250m"),
        ("kube-controller-manager", format!("registry.k8s.io/kube-controller-manager:v{version}"), "200m"),
        ("kube-scheduler", format!("registry.k8s.io/kube-scheduler:v{version}"), "100m"),
    ] {
        let mut requests = jv!({"cpu": cpu});
        if component == "etcd" {
            requests["memory"] = jv!("100Mi");
        }
        let pod = jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":format!("{component}-{}", cp.name),"namespace":"kube-system",
                "labels":{"component":component,"tier":"control-plane"},
                "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":cp.name,"uid":cp_uid,"controller":true}]},
            "spec":{"nodeName":cp.name,"hostNetwork":true,"priorityClassName":"system-node-critical","priority":2000001000,"automountServiceAccountToken":false,
                "tolerations":[{"effect":"NoExecute","operator":"Exists"}],
                "containers":[{"name":component,"image":image,"resources":{"requests":requests}}]}});
        pods.push((pod, vec![(component, image.clone())], cp.ip.clone(), cp.ip.clone()));
    }
    // kube-proxy on every node.
    let ds_uid = names::uuid_v4(sim.rng());
    for n in &nodes {
        let image = format!("registry.k8s.io/kube-proxy:v{version}");
        let name = format!("kube-proxy-{}", names::random_suffix(sim.rng(), 5));
        let pod = jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":name,"namespace":"kube-system",
                "labels":{"k8s-app":"kube-proxy","pod-template-generation":"1"},
                "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"kube-proxy","uid":ds_uid,"controller":true,"blockOwnerDeletion":true}]},
            "spec":{"nodeName":n.name,"hostNetwork":true,"priorityClassName":"system-node-critical","priority":2000001000,"serviceAccountName":"kube-proxy",
                "tolerations":[{"operator":"Exists"}],
                "containers":[{"name":"kube-proxy","image":image,"command":["/usr/local/bin/kube-proxy","--config=/var/lib/kube-proxy/config.conf","--hostname-override=$(NODE_NAME)"]}]}});
        pods.push((pod, vec![("kube-proxy", image)], n.ip.clone(), n.ip.clone()));
    }
    // CoreDNS's configuration, as kubeadm writes it.
    let domain = sim.profile.cluster_domain.clone();
    let corefile = format!(".:53 {{\n    errors\n    health {{\n       lameduck 5s\n    }}\n    ready\n    kubernetes {domain} in-addr.arpa ip6.arpa {{\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }}\n    prometheus :9153\n    forward . /etc/resolv.conf {{\n       max_concurrent 1000\n    }}\n    cache 30\n    loop\n    reload\n    loadbalance\n}}\n");
    let _ = sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"coredns","namespace":"kube-system"},"data":{"Corefile":corefile}}));
    // CoreDNS: a Deployment of two on the control-plane node (it tolerates its taint).
    let dns_template = jv!({"metadata":{"labels":{"k8s-app":"kube-dns"}},
        "spec":{"priorityClassName":"system-cluster-critical","serviceAccountName":"coredns","dnsPolicy":"Default",
            "tolerations":[{"key":"CriticalAddonsOnly","operator":"Exists"},{"effect":"NoSchedule","key":"node-role.kubernetes.io/control-plane"}],
            "nodeSelector":{"kubernetes.io/os":"linux"},
            "containers":[{"name":"coredns","image":format!("registry.k8s.io/coredns/coredns:{coredns}"),"args":["-conf","/etc/coredns/Corefile"],
                "ports":[{"name":"dns","containerPort":53,"protocol":"UDP"},{"name":"dns-tcp","containerPort":53,"protocol":"TCP"},{"name":"metrics","containerPort":9153,"protocol":"TCP"}],
                "resources":{"limits":{"memory":"170Mi"},"requests":{"cpu":"100m","memory":"70Mi"}}}]}});
    let ip_on =
        |sim: &mut Sim, node: &str| sim.ipam.get_mut(node).and_then(kubelet::NodeIpam::allocate).unwrap_or_default();
    let mut deployments = Vec::new();
    let dns_ips = [ip_on(sim, &cp.name), ip_on(sim, &cp.name)];
    deployments.push((
        "kube-system",
        "coredns",
        jv!({"k8s-app":"kube-dns"}),
        dns_template,
        coredns_hash.map(String::from),
        dns_ips.iter().map(|ip| (cp.name.clone(), cp.ip.clone(), ip.clone())).collect::<Vec<_>>(),
    ));
    // local-path-provisioner on a worker.
    if let Some(w) = nodes.iter().find(|n| n.role != "control-plane").cloned() {
        let template = jv!({"metadata":{"labels":{"app":"local-path-provisioner"}},
            "spec":{"serviceAccountName":"local-path-provisioner-service-account",
                "containers":[{"name":"local-path-provisioner","image":"rancher/local-path-provisioner:v0.0.22","command":["local-path-provisioner","--debug","start","--config","/etc/config/config.json"]}]}});
        // k8s-diff: it has the worker's first address, below those the lab's pods get.
        let block = w.pod_cidr.rsplit_once('.').map(|(b, _)| b.to_string()).unwrap_or_default();
        deployments.push((
            "local-path-storage",
            "local-path-provisioner",
            jv!({"app":"local-path-provisioner"}),
            template,
            None,
            vec![(w.name.clone(), w.ip.clone(), format!("{block}.1"))],
        ));
    }
    if deployments.len() > 1 {
        let ns = jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"local-path-storage","labels":{"kubernetes.io/metadata.name":"local-path-storage"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}});
        let _ = sim.create(ns);
    }
    for (ns, name, selector, template, hash, placed) in deployments {
        let hash =
            hash.unwrap_or_else(|| names::safe_encode(&sim.rand_range(1_000_000_000, 4_294_967_295).to_string()));
        let replicas = placed.len();
        let rs_name = format!("{name}-{hash}");
        // Rolled out long ago: the statuses say so, and no progress deadline is pending.
        let d = jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":name,"namespace":ns,"labels":selector,"annotations":{"deployment.kubernetes.io/revision":"1"}},
            "spec":{"replicas":replicas,"selector":{"matchLabels":selector},"template":template},
            "status":{"observedGeneration":1,"replicas":replicas,"updatedReplicas":replicas,"readyReplicas":replicas,"availableReplicas":replicas,
                "conditions":[
                    {"type":"Available","status":"True","lastUpdateTime":ts,"lastTransitionTime":ts,"reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},
                    {"type":"Progressing","status":"True","lastUpdateTime":ts,"lastTransitionTime":ts,"reason":"NewReplicaSetAvailable","message":format!("ReplicaSet \"{rs_name}\" has successfully progressed.")}]}});
        let Ok(d) = sim.create(d) else { continue };
        let d_uid = obj::uid(&d).to_string();
        let mut rs_template = template.clone();
        obj::set_label(&mut rs_template, "pod-template-hash", &hash);
        let mut rs_selector = selector.clone();
        rs_selector["pod-template-hash"] = jv!(hash);
        let rs = jv!({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":rs_name,"namespace":ns,"labels":rs_selector,
                "annotations":{"deployment.kubernetes.io/desired-replicas":replicas.to_string(),"deployment.kubernetes.io/max-replicas":(replicas + 1).to_string(),"deployment.kubernetes.io/revision":"1"},
                "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":name,"uid":d_uid,"controller":true,"blockOwnerDeletion":true}]},
            "spec":{"replicas":replicas,"selector":{"matchLabels":rs_selector},"template":rs_template},
            "status":{"replicas":replicas,"fullyLabeledReplicas":replicas,"readyReplicas":replicas,"availableReplicas":replicas,"observedGeneration":1}});
        let Ok(rs) = sim.create(rs) else { continue };
        let rs_uid = obj::uid(&rs).to_string();
        for (node, host_ip, ip) in placed {
            let pod_name = format!("{rs_name}-{}", names::random_suffix(sim.rng(), 5));
            if name == "local-path-provisioner" {
                // The provisioner signs its events with its pod's name.
                sim.volumes.identity = format!("{pod_name}_{}", names::uuid_v4(sim.rng()));
            }
            let mut pod = jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":pod_name,"namespace":ns,"labels":rs_selector,
                    "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":rs_name,"uid":rs_uid,"controller":true,"blockOwnerDeletion":true}]},
                "spec":rs_template["spec"]});
            pod["spec"]["nodeName"] = jv!(node);
            let containers: Vec<(&str, String)> = obj::arr_at(&pod, "/spec/containers")
                .iter()
                .map(|c| {
                    (
                        if ns == "kube-system" { "coredns" } else { "local-path-provisioner" },
                        obj::str_at(c, "/image").unwrap_or("").to_string(),
                    )
                })
                .collect();
            pods.push((pod, containers, host_ip, ip));
        }
    }
    for (pod, containers, host_ip, ip) in pods {
        let status = running_status(&containers, &host_ip, &ip, ts);
        let Ok(created) = sim.create(pod) else { continue };
        let key = ObjKey::new(super::Kind::Pod, obj::namespace(&created), obj::name(&created));
        let uid = obj::uid(&created).to_string();
        sim.modify(&key, |p| p["status"] = status.clone());
        // What the cluster's own containers printed as they started (CoreDNS's banner).
        for (name, image) in &containers {
            if let Some(tag) = image.strip_prefix("registry.k8s.io/coredns/coredns:") {
                sim.logs.insert((uid.clone(), name.to_string()), super::dns::coredns_log(sim, &key, tag));
            }
        }
        // Running since before the lab: the kubelet has nothing to do for it.
        sim.runtime.entry(uid).or_default().accepted = true;
    }
}
