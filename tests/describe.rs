//! `kubectl describe` as kubectl v1.26 prints it (issue 13, items 6 and 9): the ReplicaSet
//! describer, the describers of the other kinds the lab serves, `-f FILE`, a type without a
//! name, a terminating PersistentVolume; and two gaps found beside them: every Service's
//! `status: {loadBalancer: {}}` and CoreDNS's start-up log. Expected texts come from upstream's
//! format strings (kubernetes/kubectl at tag kubernetes-1.26.0, `pkg/describe/describe.go`,
//! `pkg/cmd/describe/describe.go`; coredns/coredns at v1.9.3) or from kubernetes.io's pages.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn session() -> Session {
    Session::new(SimConfig::seeded(1)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> (String, String, i32) {
    let (out, code) = s.run_line(line);
    (out.stdout(), out.stderr(), code)
}

/// kubernetes.io's ReplicaSet page's `frontend` (examples/controllers/frontend.yaml), with an
/// image the lab runs in place of the page's gb-frontend.
const FRONTEND: &str = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: frontend\n  labels:\n    app: guestbook\n    tier: frontend\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      tier: frontend\n  template:\n    metadata:\n      labels:\n        tier: frontend\n    spec:\n      containers:\n      - name: php-redis\n        image: nginx\n";

/// The page's `kubectl describe rs/frontend` (content/en/docs/concepts/workloads/controllers/
/// replicaset.md), its Image line the lab's image; describeReplicaSet's lines in its order:
/// `Replicas:\t%d current / %d desired`, `Pods Status:\t%d Running / %d Waiting / ...`.
const FRONTEND_DESCRIBED: &str = "\
Name:         frontend
Namespace:    default
Selector:     tier=frontend
Labels:       app=guestbook
              tier=frontend
Annotations:  <none>
Replicas:     3 current / 3 desired
Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  tier=frontend
  Containers:
   php-redis:
    Image:        nginx
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
";

#[test]
fn describe_rs_prints_what_the_replica_set_page_shows() {
    let mut s = session();
    s.write_file("frontend.yaml", FRONTEND);
    assert_eq!(run(&mut s, "kubectl apply -f frontend.yaml").2, 0);
    s.sim.run_until_idle(600_000);
    let (out, err, code) = run(&mut s, "kubectl describe rs/frontend");
    assert_eq!((err.as_str(), code), ("", 0));
    assert!(out.starts_with(FRONTEND_DESCRIBED), "{out}");
    // The page's event rows: `Normal  SuccessfulCreate  13s   replicaset-controller  Created
    // pod: frontend-gbgfx`, one for each pod the ReplicaSet made.
    let rows: Vec<&str> = out[FRONTEND_DESCRIBED.len()..].lines().collect();
    let (pods, _, _) = run(&mut s, "kubectl get pods -o name");
    assert_eq!(rows.len(), 3, "{out}");
    for pod in pods.lines() {
        let name = pod.trim_start_matches("pod/");
        assert!(
            rows.iter().any(|r| r.starts_with("  Normal  SuccessfulCreate  ")
                && r.ends_with(&format!("   replicaset-controller  Created pod: {name}"))),
            "{name} in\n{out}"
        );
    }
    // describe -f names the file's objects and describes them as by name (DescribeOptions.Run
    // with FilenameParam); once they are gone the describer's Get is a NotFound.
    assert_eq!(run(&mut s, "kubectl describe -f frontend.yaml").0, out);
    run(&mut s, "kubectl delete -f frontend.yaml");
    let (out, err, code) = run(&mut s, "kubectl describe -f frontend.yaml");
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err, "Error from server (NotFound): replicasets.apps \"frontend\" not found\n");
}

#[test]
fn a_deployments_replica_set_names_its_controller() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx --replicas=2");
    s.sim.run_until_idle(600_000);
    let (rs, _, _) = run(&mut s, "kubectl get rs -o name");
    let rs = rs.trim().trim_start_matches("replicaset.apps/").to_string();
    let hash = rs.trim_start_matches("web-");
    let out = run(&mut s, "kubectl describe rs").0;
    // printController: `Controlled By:\t%s` of `Kind/Name`; the selector as
    // metav1.FormatLabelSelector writes matchLabels; the tabwriter pads to the longest label.
    for line in [
        format!("Name:           {rs}\n"),
        format!("Selector:       app=web,pod-template-hash={hash}\n"),
        "Controlled By:  Deployment/web\n".to_string(),
        "Replicas:       2 current / 2 desired\n".to_string(),
        "Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n".to_string(),
    ] {
        assert!(out.contains(&line), "{line:?} in\n{out}");
    }
}

#[test]
fn describe_without_a_type_or_a_name() {
    let mut s = session();
    // ToOptions: no args and no file: `You must specify the type of resource to describe. %s`
    // with SuggestAPIResources, printed by CheckErr after `error: `.
    let (out, err, code) = run(&mut s, "kubectl describe");
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err, "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    // A type alone describes every object of it; Run prints the first, then "\n\n%s" each
    // next one (each description ending in a newline: two blank lines between them).
    let out = run(&mut s, "kubectl describe pods -n kube-system -l k8s-app=kube-dns").0;
    assert_eq!(out.matches("Name:             coredns-787d4945fb-").count(), 2, "{out}");
    assert_eq!(out.matches("\n\n\nName:").count(), 1, "{out}");
    // A name that is no object's but begins some (DescribeMatchingResources): each of them,
    // followed by "\n".
    let out = run(&mut s, "kubectl describe pods -n kube-system coredns").0;
    assert_eq!(out.matches("Name:             coredns-787d4945fb-").count(), 2, "{out}");
    assert_eq!(out.matches("\n\nName:").count(), 1, "{out}");
    assert!(out.ends_with("\n\n"), "{out}");
}

#[test]
fn describe_pv_of_a_volume_being_deleted_says_how_long() {
    let mut s = session();
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let (pvs, _, _) = run(&mut s, "kubectl get pv -o name");
    let pv = pvs.lines().next().expect("a volume").to_string();
    run(&mut s, &format!("kubectl delete {pv} --wait=false"));
    // The bound volume stays (kubernetes.io/pv-protection); describePersistentVolume:
    // `Status:\tTerminating (lasts %s)` of translateTimestampSince(DeletionTimestamp).
    let out = run(&mut s, &format!("kubectl describe {pv}")).0;
    assert!(out.contains("\nStatus:            Terminating (lasts 0s)\n"), "{out}");
}

#[test]
fn the_other_kinds_have_their_describers() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "kubectl expose deployment web --port=80");
    s.sim.run_until_idle(600_000);
    // describeNamespace: Status, then DescribeResourceQuotas and DescribeLimitRanges after a
    // blank line each; no events.
    let out = run(&mut s, "kubectl describe ns default").0;
    assert!(out.starts_with("Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nResource Quotas\n"), "{out}");
    assert!(out.ends_with("\nNo LimitRange resource.\n"), "{out}");
    // describeStorageClass: IsDefaultAnnotationText, labels.FormatLabels of the annotations,
    // printBoolPtr of a field not set.
    let out = run(&mut s, "kubectl describe sc local-path").0;
    for line in [
        "IsDefaultClass:        Yes\n",
        "Annotations:           storageclass.kubernetes.io/is-default-class=true\n",
        "Provisioner:           rancher.io/local-path\n",
        "Parameters:            <none>\n",
        "AllowVolumeExpansion:  <unset>\n",
        "MountOptions:          <none>\n",
        "ReclaimPolicy:         Delete\n",
        "VolumeBindingMode:     WaitForFirstConsumer\n",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    // describeEndpointSliceV1: the port table, each endpoint's `- Addresses:` and conditions.
    let out = run(&mut s, "kubectl describe endpointslices").0;
    for line in ["AddressType:  IPv4\n", "  <unset>  80    TCP\n", "    Conditions:\n", "      Ready:    true\n"] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    // Events have no describer of their own: the generic one prints every field in name
    // order under smartLabelFor's labels (`apiVersion` → `API Version`).
    // The first in name order is the scheduler's (an events.k8s.io event: an action and a
    // reporting controller, no count, no first or last timestamp); the kubelet's follow.
    let out = run(&mut s, "kubectl describe events").0;
    let scheduler: Vec<&str> = out.split("\n\n\n").next().unwrap_or("").lines().collect();
    for line in ["Action:           Binding", "First Timestamp:  <nil>", "Reporting Component:   default-scheduler"] {
        assert!(scheduler.contains(&line), "{line:?} in\n{out}");
    }
    assert!(!scheduler.iter().any(|l| l.starts_with("Count:")), "{out}");
    let first: Vec<&str> =
        out.split("\n\n\n").find(|d| d.contains("Component:  kubelet")).unwrap_or("").lines().collect();
    let labels: Vec<&str> = first.iter().filter(|l| !l.starts_with(' ')).filter_map(|l| l.split(':').next()).collect();
    assert_eq!(
        labels,
        [
            "Name",
            "Namespace",
            "Labels",
            "Annotations",
            "API Version",
            "Count",
            "Event Time",
            "First Timestamp",
            "Involved Object",
            "Kind",
            "Last Timestamp",
            "Message",
            "Metadata",
            "Reason",
            "Reporting Component",
            "Reporting Instance",
            "Source",
            "Type",
            "Events"
        ],
        "{out}"
    );
    assert!(first.contains(&"Event Time:       <nil>"), "{out}");
}

#[test]
fn every_service_carries_an_empty_load_balancer_status() {
    let mut s = session();
    // core/v1 ServiceStatus.LoadBalancer is a struct (`json:"loadBalancer,omitempty"` does not
    // omit a struct): `kubectl get svc kubernetes -o yaml` on a real cluster ends with it.
    let out = run(&mut s, "kubectl get svc kubernetes -o yaml").0;
    assert!(out.ends_with("  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"), "{out}");
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "kubectl expose deployment web --port=80");
    let out = run(&mut s, "kubectl get svc web -o json").0;
    assert!(out.ends_with("    \"status\": {\n        \"loadBalancer\": {}\n    }\n}\n"), "{out}");
}

#[test]
fn coredns_logs_its_start_up_block() {
    let mut s = session();
    let (pods, _, _) = run(&mut s, "kubectl get pods -n kube-system -l k8s-app=kube-dns -o name");
    let pod = pods.lines().next().expect("a CoreDNS pod").to_string();
    // coredns v1.9.3: dnsserver's OnStartupComplete prints startUpZones (`.:53` for kubeadm's
    // `.:53 {` block), then coremain's showVersion `CoreDNS-1.9.3` and
    // `<GOOS>/<GOARCH>, <go version>, <GitCommit>`, 45b0a11 being the tag's commit; a real
    // pod's log has the reload plugin's SHA512 line between them, which the lab leaves out.
    let (out, err, code) = run(&mut s, &format!("kubectl logs -n kube-system {pod}"));
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(out, ".:53\nCoreDNS-1.9.3\nlinux/amd64, go1.18.2, 45b0a11\n");
    // A replacement pod prints it as it starts.
    run(&mut s, &format!("kubectl delete -n kube-system {pod}"));
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl logs -n kube-system -l k8s-app=kube-dns").0;
    assert_eq!(out.matches("CoreDNS-1.9.3\nlinux/amd64, go1.18.2, 45b0a11\n").count(), 2, "{out}");
}

#[test]
fn describe_service_prints_the_type_s_own_lines() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "kubectl expose deployment web --port=80 --type=NodePort");
    s.write_file("ext.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n  externalName: example.com\n");
    run(&mut s, "kubectl apply -f ext.yaml");
    s.sim.run_until_idle(600_000);
    // describeService: `External Traffic Policy:\t%s` when set (NodePort defaults it to Cluster).
    let out = run(&mut s, "kubectl describe svc web").0;
    assert!(out.contains("\nSession Affinity:         None\nExternal Traffic Policy:  Cluster\n"), "{out}");
    // An ExternalName Service has no IP family policy (the line is left out), `<none>` for
    // empty families and cluster IPs, and its `External Name:\t%s`.
    let out = run(&mut s, "kubectl describe svc ext").0;
    let want = "Selector:          <none>\nType:              ExternalName\nIP Families:       <none>\nIP:                \nIPs:               <none>\nExternal Name:     example.com\nSession Affinity:  None\n";
    assert!(out.contains(want), "{out}");
}

#[test]
fn describe_pvc_lists_the_pods_using_it_a_line_each() {
    let mut s = session();
    let pod = |name: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - name: d\n      mountPath: /data\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: data\n")
    };
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n";
    s.write_file("all.yaml", &format!("{claim}---\n{}---\n{}", pod("b-user"), pod("a-user")));
    run(&mut s, "kubectl apply -f all.yaml");
    s.sim.run_until_idle(600_000);
    // describePersistentVolumeClaim's printPodsMultiline: sorted by name, the first after the
    // title, each next one under it.
    let out = run(&mut s, "kubectl describe pvc data").0;
    assert!(out.contains("\nUsed By:       a-user\n               b-user\n"), "{out}");
}

/// A kind without a describer of its own (a ControllerRevision) gets `genericDescriber`
/// (describe.go): Name, Namespace, Labels, Annotations, then `printUnstructuredContent` over
/// the object (fields sorted, the four above skipped, a map or list as `Label:` with its
/// content a level in, a value as `Label:\tVALUE`, `smartLabelFor` making labels: camel case
/// split and titled, API/URL/UID/OSB/GUID in capitals, a field with other characters than
/// letters and `-` as it is), then Events, all through one tabwriter (a line without a tab
/// ends an alignment block).
#[test]
fn a_controller_revision_is_described_by_the_generic_describer() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(60_000);
    let (out, _, code) = run(&mut s, "kubectl describe controllerrevision");
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Name:         web-"), "{out}");
    assert_eq!(lines[1], "Namespace:    default");
    assert_eq!(lines[2], "Labels:       app=nginx");
    assert!(lines[3].starts_with("              controller.kubernetes.io/hash="), "{out}");
    assert_eq!(lines[4], "Annotations:  <none>");
    assert_eq!(lines[5], "API Version:  apps/v1");
    assert_eq!(&lines[6..8], ["Data:", "  Spec:"]);
    let has = |l: &str| lines.contains(&l);
    // `$patch` has a character other than a letter or `-`: kept as it is.
    assert!(has("      $patch:  replace"), "{out}");
    assert!(has("        Creation Timestamp:  <nil>"), "a null is Go's %v of nil: {out}");
    // The fields sorted; the metadata without the name, namespace, labels and annotations
    // printed above; a list of maps as its maps a level in.
    let at = |l: &str| lines.iter().position(|x| *x == l).unwrap_or_else(|| panic!("{l:?} in {out}"));
    assert!(at("Data:") < at("Kind:                                      ControllerRevision"));
    let meta = at("Metadata:");
    let rev = lines.iter().position(|l| l.starts_with("Revision:")).expect("Revision");
    assert!(meta < rev && lines[meta + 1].starts_with("  Creation Timestamp:  "), "{out}");
    assert!(lines[meta..rev].iter().all(|l| !l.starts_with("  Name:") && !l.starts_with("  Labels:")), "{out}");
    assert!(has("  Owner References:") && has("    Block Owner Deletion:  true"), "{out}");
    assert!(lines[meta..rev].iter().any(|l| l.starts_with("  UID:  ")), "UID in capitals: {out}");
    assert!(has("        Dns Policy:      ClusterFirst"), "{out}");
    // `Kind:` follows the template's last value lines with no tab-less line between: one
    // alignment block with `Termination Grace Period Seconds:`; so are Revision and Events.
    let col = |l: &str| l.find(':').map(|c| c + 1 + l[c + 1..].len() - l[c + 1..].trim_start().len());
    let kind = lines.iter().find(|l| l.starts_with("Kind:")).unwrap();
    let grace = lines.iter().find(|l| l.trim_start().starts_with("Termination Grace Period Seconds:")).unwrap();
    assert_eq!(col(kind), col(grace), "{out}");
    let events = lines.iter().find(|l| l.starts_with("Events:")).unwrap();
    assert_eq!(col(lines[rev]), col(events), "{out}");
    assert!(events.ends_with("<none>"), "{out}");
}
