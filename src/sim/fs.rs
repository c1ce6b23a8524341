//! Files in the cluster: what each volume holds (a PV's data outlives its pods, an emptyDir
//! lives as long as its pod) and each container's writable layer over its image's files.
//! A container sees its volume mounts first (the longest mount path wins), then its own layer,
//! then the image.

use super::obj;
use super::resources::Kind;
use super::store::ObjKey;
use super::Sim;
use crate::support::collections::{VecMap, VecSet};
use serde_json::Value;

/// A directory tree: relative path → contents (files) and a set of directories.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: VecMap<String, String>,
    pub dirs: VecSet<String>,
}

/// Every tree in the cluster, by key (`pv/<name>`, `empty/<pod uid>/<volume>`, `layer/<pod uid>/<container>`).
#[derive(Clone, Debug, Default)]
pub struct Fs {
    pub trees: VecMap<String, Tree>,
}

/// Where a container's path lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub path: String,
    pub tree: Option<String>,
    /// Read-only content (ConfigMap and Secret volumes), relative path → text.
    pub fixed: VecMap<String, String>,
    pub read_only: bool,
}

/// One container's view of the files.
#[derive(Clone, Debug)]
pub struct View {
    pub mounts: Vec<Mount>,
    pub layer: String,
    pub image_files: VecMap<String, String>,
    /// The image's directories ([`image_dirs`]).
    pub image_dirs: &'static [&'static str],
}

fn rel(path: &str, base: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    if path == base {
        return Some(String::new());
    }
    path.strip_prefix(base).and_then(|r| r.strip_prefix('/')).map(String::from)
}

impl View {
    /// The mount holding `path`, with the path inside it.
    fn mount_of(&self, path: &str) -> Option<(&Mount, String)> {
        self.mounts.iter().filter_map(|m| rel(path, &m.path).map(|r| (m, r))).max_by_key(|(m, _)| m.path.len())
    }

    /// Every file the container sees: absolute path → contents.
    pub fn all_files(&self, fs: &Fs) -> VecMap<String, String> {
        let mut out = VecMap::new();
        let mount_paths: Vec<&str> = self.mounts.iter().map(|m| m.path.as_str()).collect();
        let hidden = |p: &str| mount_paths.iter().any(|m| rel(p, m).is_some());
        for (p, c) in &self.image_files {
            if !hidden(p) {
                out.insert(p.clone(), c.clone());
            }
        }
        if let Some(t) = fs.trees.get(&self.layer) {
            for (p, c) in &t.files {
                if !hidden(p) {
                    out.insert(p.clone(), c.clone());
                }
            }
        }
        let mut mounts: Vec<&Mount> = self.mounts.iter().collect();
        crate::support::sort::sort_by_key(&mut mounts, |m| m.path.len());
        for m in mounts {
            out.retain(|p, _| rel(p, &m.path).is_none());
            for (r, c) in &m.fixed {
                out.insert(format!("{}/{r}", m.path.trim_end_matches('/')), c.clone());
            }
            if let Some(t) = m.tree.as_ref().and_then(|k| fs.trees.get(k)) {
                for (r, c) in &t.files {
                    out.insert(format!("{}/{r}", m.path.trim_end_matches('/')), c.clone());
                }
            }
        }
        out
    }

    /// Directories the container sees (mount points, made directories, parents of files).
    pub fn all_dirs(&self, fs: &Fs) -> VecSet<String> {
        let mut out = VecSet::new();
        let add_parents = |p: &str, out: &mut VecSet<String>| {
            let mut cur = p;
            while let Some((parent, _)) = cur.rsplit_once('/') {
                if parent.is_empty() {
                    break;
                }
                out.insert(parent.to_string());
                cur = parent;
            }
        };
        for p in self.all_files(fs).keys() {
            add_parents(p, &mut out);
        }
        for d in self.image_dirs {
            out.insert(d.to_string());
        }
        for m in &self.mounts {
            out.insert(m.path.trim_end_matches('/').to_string());
            add_parents(&m.path, &mut out);
            if let Some(t) = m.tree.as_ref().and_then(|k| fs.trees.get(k)) {
                for d in &t.dirs {
                    out.insert(format!("{}/{d}", m.path.trim_end_matches('/')));
                }
            }
        }
        if let Some(t) = fs.trees.get(&self.layer) {
            for d in &t.dirs {
                out.insert(d.clone());
                add_parents(d, &mut out);
            }
        }
        out
    }

    /// Writes a file where the container's path lives. Err: read-only.
    pub fn write(&self, fs: &mut Fs, path: &str, contents: &str) -> Result<(), String> {
        match self.mount_of(path) {
            Some((m, r)) => {
                if m.read_only || m.tree.is_none() {
                    return Err("Read-only file system".into());
                }
                let t = fs.trees.entry(m.tree.clone().unwrap_or_default()).or_default();
                t.files.insert(r, contents.to_string());
            }
            None => {
                fs.trees.entry(self.layer.clone()).or_default().files.insert(path.to_string(), contents.to_string());
            }
        }
        Ok(())
    }

    /// Removes a file. Err: read-only.
    pub fn remove(&self, fs: &mut Fs, path: &str) -> Result<(), String> {
        match self.mount_of(path) {
            Some((m, r)) => {
                if m.read_only || m.tree.is_none() {
                    return Err("Read-only file system".into());
                }
                if let Some(t) = m.tree.as_ref().and_then(|k| fs.trees.get_mut(k)) {
                    t.files.remove(&r);
                    t.dirs.remove(&r);
                }
            }
            None => {
                // k8s-diff: removing an image file only hides it in this model if it was copied into the layer.
                if let Some(t) = fs.trees.get_mut(&self.layer) {
                    t.files.remove(path);
                    t.dirs.remove(path);
                }
            }
        }
        Ok(())
    }

    /// Makes a directory.
    pub fn mkdir(&self, fs: &mut Fs, path: &str) -> Result<(), String> {
        match self.mount_of(path) {
            Some((m, r)) => {
                if m.read_only || m.tree.is_none() {
                    return Err("Read-only file system".into());
                }
                if !r.is_empty() {
                    fs.trees.entry(m.tree.clone().unwrap_or_default()).or_default().dirs.insert(r);
                }
            }
            None => {
                fs.trees.entry(self.layer.clone()).or_default().dirs.insert(path.to_string());
            }
        }
        Ok(())
    }
}

/// A ConfigMap's or Secret's data as the files and variables made from it hold it: a Secret's
/// base64 decoded to its text.
pub fn data_text(kind: Kind, o: &Value) -> VecMap<String, String> {
    let mut data = VecMap::new();
    for (k, v) in o.get("data").and_then(Value::as_object).into_iter().flatten() {
        let text = v.as_str().unwrap_or("");
        let text = if kind == Kind::Secret {
            crate::support::base64::decode(text).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
        } else {
            text.to_string()
        };
        data.insert(k.clone(), text);
    }
    data
}

/// Directories an image ships: the top levels of its distribution's root and the few below
/// that a lab visits.
// k8s-diff: directories only; the files in them (binaries, libraries) are not modelled.
pub fn image_dirs(image: &str) -> &'static [&'static str] {
    let full = super::images::normalize(image).unwrap_or_default();
    if full.contains("busybox") {
        &[
            "/bin",
            "/dev",
            "/etc",
            "/home",
            "/lib",
            "/lib64",
            "/proc",
            "/root",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/sbin",
            "/var",
            "/var/spool",
            "/var/www",
        ]
    } else if full.contains("netshoot") || full.contains("alpine") || full.contains("/agnhost") {
        &[
            "/bin",
            "/dev",
            "/etc",
            "/home",
            "/lib",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/lib",
            "/usr/local",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/share",
            "/var",
            "/var/log",
            "/var/tmp",
        ]
    } else if full.contains("/nginx:") || full.contains("/nginx-slim:") {
        &[
            "/bin",
            "/boot",
            "/dev",
            "/docker-entrypoint.d",
            "/etc",
            "/etc/nginx",
            "/etc/nginx/conf.d",
            "/home",
            "/lib",
            "/lib64",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/lib",
            "/usr/local",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/share",
            "/usr/share/nginx",
            "/var",
            "/var/cache",
            "/var/cache/nginx",
            "/var/lib",
            "/var/log",
            "/var/log/nginx",
            "/var/tmp",
        ]
    } else {
        &[
            "/bin",
            "/boot",
            "/dev",
            "/etc",
            "/home",
            "/lib",
            "/lib64",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/sys",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/lib",
            "/usr/local",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/share",
            "/var",
            "/var/cache",
            "/var/lib",
            "/var/log",
            "/var/tmp",
        ]
    }
}

/// The image's `WORKDIR`: netshoot's Dockerfile sets `/root`; the others here set none (`/`).
pub fn image_workdir(image: &str) -> &'static str {
    if super::images::normalize(image).unwrap_or_default().contains("netshoot") {
        "/root"
    } else {
        "/"
    }
}

/// Files an image ships (before any volume hides them).
pub fn image_files(image: &str) -> VecMap<String, String> {
    let mut m = VecMap::new();
    let full = super::images::normalize(image).unwrap_or_default();
    if full.contains("/nginx:") || full.contains("/nginx-slim:") {
        m.insert("/usr/share/nginx/html/index.html".into(), NGINX_WELCOME.into());
        m.insert("/usr/share/nginx/html/50x.html".into(), NGINX_50X.into());
    }
    m.insert(
        "/etc/os-release".into(),
        if full.contains("busybox") {
            "NAME=\"BusyBox\"\n".into()
        } else if full.contains("netshoot") || full.contains("alpine") || full.contains("/agnhost") {
            "NAME=\"Alpine Linux\"\nID=alpine\n".into()
        } else {
            "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=\"Debian GNU/Linux\"\nID=debian\n".into()
        },
    );
    m
}

const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const NGINX_50X: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
</body>
</html>
";

impl Sim {
    /// How container `container` of pod `key` sees the files, with the kubelet-managed
    /// `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf`.
    pub fn fs_view(&self, key: &ObjKey, container: &str) -> Option<View> {
        let pod = self.store.get(key)?;
        let uid = obj::uid(pod);
        let c = obj::container(pod, container)?;
        let image = obj::str_at(c, "/image").unwrap_or("");
        let mut image_files = image_files(image);
        let hostname = obj::str_at(pod, "/spec/hostname").unwrap_or(&key.name).to_string();
        image_files.insert("/etc/hostname".into(), format!("{hostname}\n"));
        image_files.insert("/etc/hosts".into(), self.hosts_file(pod));
        image_files.insert("/etc/resolv.conf".into(), self.resolv_conf(&key.ns));
        let vols = obj::arr_at(pod, "/spec/volumes");
        let mounts = obj::arr_at(c, "/volumeMounts").iter().filter_map(|m| self.mount(key, uid, vols, m)).collect();
        Some(View { mounts, layer: format!("layer/{uid}/{container}"), image_files, image_dirs: image_dirs(image) })
    }

    /// What volume mount `m` of a container of pod `key` (uid `uid`, volumes `vols`) shows at
    /// its path; None when the pod has no volume of that name.
    fn mount(&self, key: &ObjKey, uid: &str, vols: &[Value], m: &Value) -> Option<Mount> {
        let name = obj::str_at(m, "/name").unwrap_or("");
        let path = obj::str_at(m, "/mountPath").unwrap_or("").trim_end_matches('/').to_string();
        let read_only = obj::bool_at(m, "/readOnly").unwrap_or(false);
        let v = vols.iter().find(|v| obj::str_at(v, "/name") == Some(name))?;
        let mut mount = Mount { path, tree: None, fixed: VecMap::new(), read_only };
        if let Some(claim) = obj::str_at(v, "/persistentVolumeClaim/claimName") {
            let pv = self
                .get(Kind::PersistentVolumeClaim, &key.ns, claim)
                .and_then(|c| obj::str_at(c, "/spec/volumeName"))
                .map(String::from);
            mount.tree = pv.map(|p| format!("pv/{p}"));
        } else if let Some(p) = v.get("projected") {
            // The service-account volume: the CA and the namespace.
            // k8s-diff: no token file (the lab issues no tokens).
            mount.read_only = true;
            mount.fixed = self.projected_files(&key.ns, p);
        } else if v.get("configMap").is_some() || v.get("secret").is_some() {
            let (kind, ptr) = if v.get("configMap").is_some() {
                (Kind::ConfigMap, "/configMap/name")
            } else {
                (Kind::Secret, "/secret/secretName")
            };
            if let Some(src) = obj::str_at(v, ptr).and_then(|n| self.get(kind, &key.ns, n)) {
                mount.fixed = data_text(kind, src);
            }
            mount.read_only = true;
        } else {
            mount.tree = Some(format!("empty/{uid}/{name}"));
        }
        Some(mount)
    }

    /// The files of projected volume `p` in namespace `ns`: its ConfigMap sources' items and its
    /// downward API's `metadata.namespace`.
    fn projected_files(&self, ns: &str, p: &Value) -> VecMap<String, String> {
        let mut fixed = VecMap::new();
        for src in obj::arr_at(p, "/sources") {
            if let Some(c) = src.get("configMap") {
                let Some(cm) = obj::str_at(c, "/name").and_then(|n| self.get(Kind::ConfigMap, ns, n)) else { continue };
                for item in obj::arr_at(c, "/items") {
                    if let (Some(k), Some(path)) = (obj::str_at(item, "/key"), obj::str_at(item, "/path")) {
                        fixed
                            .insert(path.to_string(), obj::str_at(cm, &format!("/data/{k}")).unwrap_or("").to_string());
                    }
                }
            } else if let Some(d) = src.get("downwardAPI") {
                for item in obj::arr_at(d, "/items") {
                    if obj::str_at(item, "/fieldRef/fieldPath") == Some("metadata.namespace") {
                        fixed.insert(obj::str_at(item, "/path").unwrap_or("namespace").to_string(), ns.to_string());
                    }
                }
            }
        }
        fixed
    }

    /// `/etc/hosts` as the kubelet writes it (`managedHostsFileContent`).
    pub fn hosts_file(&self, pod: &Value) -> String {
        let ip = obj::str_at(pod, "/status/podIP").unwrap_or("");
        let name = obj::name(pod);
        let hostname = obj::str_at(pod, "/spec/hostname").unwrap_or(name);
        let mut s = String::from("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n");
        match obj::str_at(pod, "/spec/subdomain") {
            Some(sub) if !sub.is_empty() => s.push_str(&format!(
                "{ip}\t{hostname}.{sub}.{}.svc.{}\t{hostname}\n",
                obj::namespace(pod),
                self.profile.cluster_domain
            )),
            _ => s.push_str(&format!("{ip}\t{hostname}\n")),
        }
        s
    }

    /// The pod's `/etc/resolv.conf` for `dnsPolicy: ClusterFirst`.
    pub fn resolv_conf(&self, ns: &str) -> String {
        let d = &self.profile.cluster_domain;
        format!("search {ns}.svc.{d} svc.{d} {d}\nnameserver {}\noptions ndots:5\n", self.profile.cluster_dns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_hide_image_files_and_writes_land_in_the_volume() {
        let view = View {
            mounts: vec![Mount {
                path: "/usr/share/nginx/html".into(),
                tree: Some("pv/x".into()),
                fixed: VecMap::new(),
                read_only: false,
            }],
            layer: "layer/u/c".into(),
            image_files: image_files("nginx:1.21"),
            image_dirs: image_dirs("nginx:1.21"),
        };
        let mut fs = Fs::default();
        assert!(
            !view.all_files(&fs).contains_key("/usr/share/nginx/html/index.html"),
            "the empty volume hides the image's page"
        );
        view.write(&mut fs, "/usr/share/nginx/html/index.html", "hi\n").unwrap();
        view.write(&mut fs, "/tmp/x", "t\n").unwrap();
        assert_eq!(fs.trees["pv/x"].files["index.html"], "hi\n");
        assert_eq!(fs.trees["layer/u/c"].files["/tmp/x"], "t\n");
        assert_eq!(view.all_files(&fs)["/usr/share/nginx/html/index.html"], "hi\n");
        assert!(view.all_dirs(&fs).contains("/usr/share/nginx/html"));
    }

    #[test]
    fn the_service_account_volume_holds_the_clusters_ca_and_the_namespace() {
        let sim = Sim::new(crate::sim::SimConfig::seeded(1));
        let projected = crate::jv!({"sources": [
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "x"}], "name": "no-such-map"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]});
        let files = sim.projected_files("default", &projected);
        assert_eq!(files.keys().collect::<Vec<_>>(), ["ca.crt", "namespace"]);
        assert!(files["ca.crt"].starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(files["namespace"], "default");
    }
}
