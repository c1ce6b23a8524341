//! The images the playground knows: how long they take to pull, whether they exist, and how
//! their main process behaves (keeps running or exits, stops promptly on SIGTERM or not).

/// What the model knows about one image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// The normalized reference, as containerd names it (`docker.io/library/nginx:latest`).
    pub full: String,
    /// Milliseconds to pull onto a node that does not have it.
    pub pull_ms: u64,
    /// The size the runtime reports for it (`ImageStatus.size`), which the kubelet's Pulled
    /// event names from v1.30 (see `kubelet::pull`).
    pub size_bytes: u64,
    /// The default command keeps running (a server) rather than exiting at once.
    pub long_running: bool,
    /// The main process exits promptly on SIGTERM (otherwise it is killed after the grace period).
    pub handles_sigterm: bool,
    /// The image is one program that serves (the cluster's own components): whatever its
    /// command line, it runs until stopped.
    pub serves_itself: bool,
}

/// Why a pull fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    /// The reference is not a valid image name (`InvalidImageName`).
    InvalidName,
    /// The repository or tag does not exist (`ErrImagePull` then `ImagePullBackOff`).
    NotFound { full: String },
}

struct Known {
    repo: &'static str,
    tag_ok: fn(&str) -> bool,
    pull_ms: u64,
    size: u64,
    long_running: bool,
    handles_sigterm: bool,
}

fn any_version(t: &str) -> bool {
    t == "latest"
        || t.split(['.', '-']).next().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        || [
            "alpine", "stable", "mainline", "bookworm", "bullseye", "jammy", "noble", "focal", "glibc", "musl",
            "uclibc",
        ]
        .contains(&t)
}
fn nginx_tag(t: &str) -> bool {
    if ["latest", "stable", "mainline", "alpine", "stable-alpine", "mainline-alpine"].contains(&t) {
        return true;
    }
    let base = t.split('-').next().unwrap_or("");
    let parts: Vec<&str> = base.split('.').collect();
    parts.len() >= 2
        && parts[0] == "1"
        && parts[1].parse::<u32>().is_ok_and(|m| (7..=29).contains(&m))
        && parts.iter().all(|p| p.parse::<u32>().is_ok())
}
fn nginx_slim_tag(t: &str) -> bool {
    [
        "0.7", "0.8", "0.9", "0.10", "0.11", "0.12", "0.13", "0.14", "0.15", "0.16", "0.17", "0.18", "0.19", "0.20",
        "0.21", "0.22", "0.23", "0.24", "0.25", "0.26", "0.27",
    ]
    .contains(&t)
}
fn busybox_tag(t: &str) -> bool {
    if any_version(t) && !t.starts_with(char::is_numeric) {
        return true;
    }
    let parts: Vec<&str> = t.split('-').next().unwrap_or("").split('.').collect();
    parts.len() >= 2 && parts[0] == "1" && parts[1].parse::<u32>().is_ok_and(|m| (20..=37).contains(&m))
}
fn latest_only(t: &str) -> bool {
    t == "latest"
}
fn netshoot_tag(t: &str) -> bool {
    t == "latest" || t.starts_with("v0.")
}
/// `2.N`: agnhost's releases (test/images/agnhost/VERSION), 2.1 to 2.57.
fn agnhost_tag(t: &str) -> bool {
    t.strip_prefix("2.").and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1..=57).contains(&n))
}
/// `1.N`: jessie-dnsutils' releases (1.3 is the docs' DNS debugging pod's).
fn dnsutils_tag(t: &str) -> bool {
    ["1.3", "1.4", "1.5", "1.7"].contains(&t)
}
/// The hello-app releases the docs run (`1.0`, `2.0`).
fn hello_app_tag(t: &str) -> bool {
    t == "1.0" || t == "2.0"
}
/// serve_hostname's releases (test/images/serve_hostname/VERSION went to 1.1).
fn serve_hostname_tag(t: &str) -> bool {
    ["latest", "1.0", "1.1", "v1.4"].contains(&t)
}
/// gcr.io/google-containers/busybox: busybox 1.24 and 1.27 (`latest` is 1.24).
fn gcr_busybox_tag(t: &str) -> bool {
    ["latest", "1.24", "1.27", "1.27.2"].contains(&t)
}
/// radial/busyboxplus's flavours.
fn busyboxplus_tag(t: &str) -> bool {
    ["latest", "base", "curl", "git"].contains(&t)
}
/// The guestbook's PHP frontend, `v3` to `v6`.
fn gb_frontend_tag(t: &str) -> bool {
    ["v3", "v4", "v5", "v6"].contains(&t)
}

/// A row of [`KNOWN`]: repository, tags, pull time, size, long-running, stops on SIGTERM.
const fn known(
    repo: &'static str,
    tag_ok: fn(&str) -> bool,
    (pull_ms, size): (u64, u64),
    long_running: bool,
    sigterm: bool,
) -> Known {
    Known { repo, tag_ok, pull_ms, size, long_running, handles_sigterm: sigterm }
}

// k8s-diff: an image's size is one figure per repository, whatever the tag (but the tags in
// [`TAG_SIZES`]): nginx's (68507108) and busybox's (2222260) are what real clusters' Pulled
// events reported for `nginx` and `busybox`; the others are the order of their registries'
// compressed sizes, not a registry's answer.
const KNOWN: &[Known] = &[
    Known {
        repo: "docker.io/library/nginx",
        tag_ok: nginx_tag,
        pull_ms: 7_000,
        size: 68_507_108,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "k8s.gcr.io/nginx-slim",
        tag_ok: nginx_slim_tag,
        pull_ms: 7_600,
        size: 19_900_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "registry.k8s.io/nginx-slim",
        tag_ok: nginx_slim_tag,
        pull_ms: 7_600,
        size: 19_900_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/busybox",
        tag_ok: busybox_tag,
        pull_ms: 2_500,
        size: 2_222_260,
        long_running: false,
        handles_sigterm: false,
    },
    // The docs' examples' busybox (an old busybox, `latest` only).
    Known {
        repo: "registry.k8s.io/busybox",
        tag_ok: latest_only,
        pull_ms: 1_500,
        size: 1_144_547,
        long_running: false,
        handles_sigterm: false,
    },
    Known {
        repo: "k8s.gcr.io/busybox",
        tag_ok: latest_only,
        pull_ms: 1_500,
        size: 1_144_547,
        long_running: false,
        handles_sigterm: false,
    },
    Known {
        repo: "docker.io/nicolaka/netshoot",
        tag_ok: netshoot_tag,
        pull_ms: 14_000,
        size: 187_000_000,
        long_running: false,
        handles_sigterm: false,
    },
    Known {
        repo: "docker.io/library/postgres",
        tag_ok: any_version,
        pull_ms: 16_000,
        size: 151_000_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/mysql",
        tag_ok: any_version,
        pull_ms: 20_000,
        size: 168_000_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/redis",
        tag_ok: any_version,
        pull_ms: 6_000,
        size: 45_000_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/mongo",
        tag_ok: any_version,
        pull_ms: 22_000,
        size: 262_000_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/httpd",
        tag_ok: any_version,
        pull_ms: 8_000,
        size: 58_000_000,
        long_running: true,
        handles_sigterm: true,
    },
    Known {
        repo: "docker.io/library/alpine",
        tag_ok: any_version,
        pull_ms: 2_000,
        size: 3_623_807,
        long_running: false,
        handles_sigterm: false,
    },
    Known {
        repo: "docker.io/library/ubuntu",
        tag_ok: any_version,
        pull_ms: 5_000,
        size: 29_754_290,
        long_running: false,
        handles_sigterm: false,
    },
    Known {
        repo: "docker.io/library/debian",
        tag_ok: any_version,
        pull_ms: 5_000,
        size: 48_478_270,
        long_running: false,
        handles_sigterm: false,
    },
    // The images of kubernetes.io's tutorials and task pages. agnhost's ENTRYPOINT is
    // `/agnhost` with CMD `pause` (test/images/agnhost/Dockerfile).
    known("registry.k8s.io/e2e-test-images/agnhost", agnhost_tag, (3_500, 52_000_000), true, true),
    known("k8s.gcr.io/e2e-test-images/agnhost", agnhost_tag, (3_500, 52_000_000), true, true),
    // jessie-dnsutils has no server: Debian's `bash`, which ends at once without a terminal.
    known("registry.k8s.io/e2e-test-images/jessie-dnsutils", dnsutils_tag, (6_000, 71_000_000), false, false),
    known("k8s.gcr.io/e2e-test-images/jessie-dnsutils", dnsutils_tag, (6_000, 71_000_000), false, false),
    known("gcr.io/google-samples/hello-app", hello_app_tag, (4_000, 4_000_000), true, true),
    known("us-docker.pkg.dev/google-samples/containers/gke/hello-app", hello_app_tag, (4_000, 4_000_000), true, true),
    known("registry.k8s.io/serve_hostname", serve_hostname_tag, (1_500, 1_600_000), true, true),
    known("k8s.gcr.io/serve_hostname", serve_hostname_tag, (1_500, 1_600_000), true, true),
    known("gcr.io/google-containers/busybox", gcr_busybox_tag, (1_500, 676_000), false, false),
    known("gcr.io/google_containers/busybox", gcr_busybox_tag, (1_500, 676_000), false, false),
    known("docker.io/radial/busyboxplus", busyboxplus_tag, (2_000, 2_020_000), false, false),
    known("gcr.io/google-samples/gb-frontend", gb_frontend_tag, (12_000, 172_000_000), true, true),
    known("gcr.io/google_samples/gb-frontend", gb_frontend_tag, (12_000, 172_000_000), true, true),
    known(
        "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend",
        gb_frontend_tag,
        (12_000, 172_000_000),
        true,
        true,
    ),
];

/// Tags whose size differs from their repository's: `busybox:1.28` (the docs' pods) is what a
/// real cluster's Pulled event reported (`Image size: 727869 bytes.`).
const TAG_SIZES: &[(&str, u64)] = &[("docker.io/library/busybox:1.28", 727_869)];

/// The images of the cluster's own pods, any tag: how long each takes to pull, and its size.
const COMPONENTS: &[(&str, u64, u64)] = &[
    ("registry.k8s.io/coredns/coredns", 4_000, 16_000_000),
    ("registry.k8s.io/kube-proxy", 6_000, 21_000_000),
    ("registry.k8s.io/etcd", 12_000, 102_000_000),
    ("registry.k8s.io/kube-apiserver", 9_000, 35_000_000),
    ("registry.k8s.io/kube-controller-manager", 8_000, 32_000_000),
    ("registry.k8s.io/kube-scheduler", 5_000, 17_000_000),
    ("docker.io/rancher/local-path-provisioner", 4_000, 17_000_000),
];

/// Normalizes an image reference the way containerd does: `nginx` → `docker.io/library/nginx:latest`.
pub fn normalize(image: &str) -> Result<String, PullError> {
    let image = image.trim();
    if image.is_empty() || image.chars().any(|c| c.is_ascii_uppercase() && !image.contains('/')) || image.contains(' ')
    {
        return Err(PullError::InvalidName);
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (repo, tag) = match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (name, "latest"),
    };
    if repo.is_empty() || tag.is_empty() || repo.starts_with('/') || repo.ends_with('/') {
        return Err(PullError::InvalidName);
    }
    let first = repo.split('/').next().unwrap_or("");
    let full_repo = if !repo.contains('/') {
        format!("docker.io/library/{repo}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        repo.to_string()
    } else {
        format!("docker.io/{repo}")
    };
    Ok(match digest {
        Some(d) => format!("{full_repo}@{d}"),
        None => format!("{full_repo}:{tag}"),
    })
}

/// A normalized reference's repository and tag (empty for a digest).
pub fn split(full: &str) -> (&str, &str) {
    match full.split_once('@') {
        Some((repo, _)) => (repo, ""),
        None => full.rsplit_once(':').unwrap_or((full, "latest")),
    }
}

/// Looks an image up. Unknown repositories and tags fail as a registry would.
pub fn lookup(image: &str) -> Result<ImageInfo, PullError> {
    let full = normalize(image)?;
    // k8s-diff: a digest (`registry.k8s.io/redis@sha256:...`, the docs' guestbook) is not
    // checked: any digest of a known repository pulls.
    let (repo, tag) = split(&full);
    for k in KNOWN {
        if k.repo == repo && (full.contains('@') || (k.tag_ok)(tag)) {
            let size = TAG_SIZES.iter().find(|(f, _)| *f == full).map_or(k.size, |t| t.1);
            return Ok(ImageInfo {
                full: full.clone(),
                pull_ms: k.pull_ms,
                size_bytes: size,
                long_running: k.long_running,
                handles_sigterm: k.handles_sigterm,
                serves_itself: false,
            });
        }
    }
    // The cluster's own components (kubeadm's and local-path-provisioner's images).
    if let Some(&(_, pull_ms, size_bytes)) = COMPONENTS.iter().find(|(r, ..)| *r == repo) {
        return Ok(ImageInfo {
            full: full.clone(),
            pull_ms,
            size_bytes,
            long_running: true,
            handles_sigterm: true,
            serves_itself: true,
        });
    }
    // k8s-diff: the lab cannot ask a registry, so a repository it does not know is taken to
    // exist (a learner's own image pulls and runs its command, or keeps running, and stops
    // promptly on SIGTERM), unless
    // it is one typo away from one it knows (`nginxx`, `postgress`): that one fails as a
    // registry would fail it. A known repository with a tag it lacks (`nginx:1.161`) fails.
    if repository_exists(&full) || near_a_known_repository(repo) {
        return Err(PullError::NotFound { full });
    }
    Ok(ImageInfo {
        full: full.clone(),
        pull_ms: GENERIC_PULL_MS,
        size_bytes: GENERIC_SIZE,
        long_running: true,
        handles_sigterm: true,
        serves_itself: false,
    })
}

/// How long an image the lab does not know takes to pull.
const GENERIC_PULL_MS: u64 = 5_000;

/// The size of an image the lab does not know.
const GENERIC_SIZE: u64 = 48_000_000;

/// Whether `repo` is one edit (a letter added, dropped, changed, or two swapped) from a
/// repository the lab knows.
fn near_a_known_repository(repo: &str) -> bool {
    KNOWN.iter().map(|k| k.repo).chain(COMPONENTS.iter().map(|c| c.0)).any(|known| one_edit_apart(repo, known))
}

/// Damerau-Levenshtein distance exactly 1 (ASCII bytes).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    match (a.len(), b.len()) {
        (0, 0) => false,
        (la, lb) if la == lb => a[1..] == b[1..] || (la >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..]),
        (la, lb) if la + 1 == lb => a == &b[1..],
        (la, lb) if lb + 1 == la => &a[1..] == b,
        _ => false,
    }
}

/// Whether the registry has the repository at all (some tag of it is known here).
pub fn repository_exists(full: &str) -> bool {
    let repo = full.split('@').next().unwrap_or(full);
    let repo = repo.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(repo, |(r, _)| r);
    KNOWN.iter().any(|k| k.repo == repo) || COMPONENTS.iter().any(|(r, ..)| *r == repo)
}

/// The kubelet's default pull policy: `Always` for `:latest` or no tag, else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        "IfNotPresent"
    } else if !last.contains(':') || last.ends_with(":latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_like_containerd() {
        assert_eq!(normalize("nginx").unwrap(), "docker.io/library/nginx:latest");
        assert_eq!(normalize("nicolaka/netshoot").unwrap(), "docker.io/nicolaka/netshoot:latest");
        assert_eq!(normalize("k8s.gcr.io/nginx-slim:0.8").unwrap(), "k8s.gcr.io/nginx-slim:0.8");
        assert_eq!(normalize(""), Err(PullError::InvalidName));
    }

    #[test]
    fn known_images_pull_and_unknown_tags_do_not() {
        assert!(lookup("k8s.gcr.io/nginx-slim:0.8").is_ok());
        assert!(lookup("nginx:1.14.2").is_ok());
        assert!(lookup("busybox:1.28").is_ok());
        assert!(matches!(lookup("nginx:1.99"), Err(PullError::NotFound { .. })));
        assert!(matches!(lookup("nginxx"), Err(PullError::NotFound { .. })));
    }

    #[test]
    fn an_unknown_repository_pulls_unless_it_is_a_typo_of_a_known_one() {
        assert!(lookup("example.com/team/app:2.3").is_ok_and(|i| i.long_running));
        assert!(lookup("myname/hello:v1").is_ok());
        // One letter added, dropped, changed, or two swapped.
        for typo in ["nginxx", "ngnix", "ngin", "nginz:1.25", "postgress:15", "busybox2", "radial/busyboxpluss:curl"] {
            assert!(matches!(lookup(typo), Err(PullError::NotFound { .. })), "{typo}");
        }
        // The docs' mistyped tag (kubernetes.io, "Deployments": "nginx:1.161").
        assert!(matches!(lookup("nginx:1.161"), Err(PullError::NotFound { .. })));
        assert!(matches!(lookup("registry.k8s.io/e2e-test-images/agnhost:3.0"), Err(PullError::NotFound { .. })));
        assert!(lookup("registry.k8s.io/e2e-test-images/agnhost:2.40").is_ok());
        assert!(lookup("gcr.io/google-samples/hello-app:2.0").is_ok());
        let digest = "sha256:cb111d1bd870a6a471385a4a69ad17469d326e9dd91e0e455350cacf36e1b3ee";
        assert!(lookup(&format!("nginx@{digest}")).is_ok_and(|i| i.pull_ms == 7_000));
        assert!(matches!(lookup(&format!("nginxx@{digest}")), Err(PullError::NotFound { .. })));
    }

    #[test]
    fn pull_policy_defaults() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.14.2"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/app"), "Always");
    }
}
