//! Share links (`kubelab::lab::share`, issue 15 items 1, 6 and 7): a lab put in a link and read
//! back is the same cluster (same pod names, same ages at the same moment); the seed lab up to
//! its scale-out fits in a link under 2,000 characters; every kind of bad link is refused with
//! its own error, never a panic; what a link carries goes through the lab's own limits and comes
//! back as the same text.
#![cfg(not(target_arch = "wasm32"))]

use kubelab::lab::share::{self, LinkError, Share};
use kubelab::lab::{Act, Lab, DEFAULT_SEED};

fn text(lab: &Lab, t: usize) -> String {
    lab.terms[t].scrollback.iter().map(|(_, s)| s.as_str()).collect()
}

/// What a command prints in a copy of the lab's session (the lab itself is left as it is).
fn ask(lab: &Lab, line: &str) -> String {
    let mut s = lab.session.clone();
    let (out, _) = s.run_line(line);
    out.text()
}

/// Types `line` in terminal 0 as a learner does on the page: a line that holds the terminal
/// (a watch) is watched for `watch_ms` of the page's clock, then ended with Ctrl-C.
fn type_line(lab: &mut Lab, line: &str, watch_ms: u64) {
    lab.run(0, line);
    if lab.busy(0) {
        lab.advance(watch_ms);
        lab.interrupt(0, "");
    }
}

/// The seed lab (`lessons/doik-statefulset.replay`, the seed's commands) typed on the page up
/// to its scale-out, with the seed's pauses between the lines.
fn seed_lab_to_scale_out() -> Lab {
    let script = include_str!("../lessons/doik-statefulset.replay");
    let mut lab = Lab::seed_lab();
    for line in script.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        if line.starts_with("kubectl patch") {
            break;
        }
        match line.strip_prefix("@sleep ") {
            Some(d) => {
                let ms = kubelab::lab::replay::parse_duration_ms(d).expect("a duration");
                lab.advance(ms);
            }
            None => type_line(&mut lab, line, 60_000),
        }
    }
    lab
}

#[test]
fn the_seed_lab_to_its_scale_out_fits_in_2000_characters_and_comes_back_the_same() {
    let mut lab = seed_lab_to_scale_out();
    let pods = ask(&lab, "kubectl get pods -o wide");
    assert!(pods.contains("web-4"), "the scale-out happened:\n{pods}");
    let link = share::make(&Share::of(&lab));
    // Under 2,000 with room for the page's address before the `#`.
    assert!(link.len() + "https://example.github.io/kubelab/#".len() < 2000, "{} characters", link.len());
    assert!(link.starts_with("v1."), "{link}");
    eprintln!("the seed lab to its scale-out: a link of {} characters", link.len());
    assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "URL-safe: {link}");

    let mut back = share::read(&format!("https://example.github.io/kubelab/#{link}")).unwrap().lab(2).unwrap();
    assert_eq!(back.now(), lab.now());
    assert_eq!(back.files, lab.files);
    assert_eq!(text(&back, 0), text(&lab, 0));
    assert_eq!(back.terms[0].history, lab.terms[0].history);
    // The same cluster: names, ages, addresses, claims, events.
    for line in ["kubectl get pods -o wide", "kubectl get pvc,pv", "kubectl get events"] {
        assert_eq!(ask(&back, line), ask(&lab, line), "{line}");
    }
    // And it goes on the same: the pods made after the link are the same too.
    for l in [&mut lab, &mut back] {
        l.run(1, "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}'");
        l.advance(45_000);
    }
    assert_eq!(ask(&back, "kubectl get pods"), ask(&lab, "kubectl get pods"));
}

#[test]
fn random_pod_names_come_back_from_the_seed_in_the_link() {
    let mut lab = Lab::new(7, kubelab::lab::default_files(), 2);
    lab.run(0, "kubectl apply -f deploy.yaml");
    lab.advance(20_000);
    lab.run(1, "kubectl delete pod -l app=deploy --wait=false");
    lab.advance(17_000);
    let pods = ask(&lab, "kubectl get pods");
    let back = share::read(&share::make(&Share::of(&lab))).unwrap().lab(2).unwrap();
    assert_eq!(back.seed, 7);
    assert_eq!(ask(&back, "kubectl get pods"), pods);
    // The seed decides the names: under the page's seed they differ, so the test could fail.
    let mut other = Lab::new(DEFAULT_SEED, kubelab::lab::default_files(), 2);
    other.run(0, "kubectl apply -f deploy.yaml");
    other.advance(20_000);
    assert_ne!(
        ask(&other, "kubectl get pods --no-headers -o name"),
        ask(&lab, "kubectl get pods --no-headers -o name")
    );
}

#[test]
fn a_link_carries_the_lesson_the_panes_and_the_language() {
    let lab = Lab::seed_lab();
    let share = Share {
        lesson: Some(("lessons/seed-lab.yaml".into(), 2)),
        panes: vec!["terminal".into(), "diagram".into()],
        lang: Some(kubelab::lab::i18n::Lang::Ko),
        ..Share::of(&lab)
    };
    let back = share::read(&share::make(&share)).unwrap();
    assert_eq!(back, share);
    use kubelab::lab::lesson::guide::Target;
    assert_eq!(back.lesson_target(), Some((Target::Id("seed-lab".into()), 2)));
    let remote = Share { lesson: Some(("https://example.com/l.yaml".into(), 0)), ..back.clone() };
    assert_eq!(remote.lesson_target(), Some((Target::Url("https://example.com/l.yaml".into()), 0)));
    let odd = Share { lesson: Some(("javascript:alert(1)".into(), 0)), ..back };
    assert_eq!(odd.lesson_target(), None, "only the site's lessons and web addresses open");
}

/// A share's JSON text, compressed and wrapped as a link (to make links a page would not).
fn link_of_json(json: &str) -> String {
    share::wrap(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
}

#[test]
fn each_kind_of_bad_link_has_its_own_error() {
    let good = share::make(&Share::of(&Lab::seed_lab()));
    assert!(share::read(&good).is_ok());
    // Cut anywhere (a chat that shortened it, a copy that missed the end): truncated.
    for cut in 1..good.len() {
        assert_eq!(share::read(&good[..cut]), Err(LinkError::Truncated), "cut at {cut}");
    }
    assert_eq!(share::read(&good.replacen("v1.", "v2.", 1)), Err(LinkError::Version("v2".into())));
    assert_eq!(share::read(&good.replacen("v1.", "v10.", 1)), Err(LinkError::Version("v10".into())));
    let too_long = format!("v1.{}", "A".repeat(share::MAX_LINK));
    assert_eq!(share::read(&too_long), Err(LinkError::TooLong(share::MAX_LINK + 3)));
    // One character changed: the checksum says so.
    let i = good.len() / 2;
    let flipped = format!("{}{}{}", &good[..i], if &good[i..=i] == "A" { "B" } else { "A" }, &good[i + 1..]);
    assert!(matches!(share::read(&flipped), Err(LinkError::Malformed(_))), "{flipped}");
    for bad in ["hello", "#", "#x", "v1.@@@@.AAAAAA", "v1.AAAA.AAAAAAA", "v1.<script>.AAAAAA", "%76%31."] {
        assert!(matches!(share::read(bad), Err(LinkError::Malformed(_) | LinkError::Truncated)), "{bad}");
    }
    // Whole and checksummed, but not what the page writes.
    let not_deflate = share::wrap(b"\xff\xff\xff\xff");
    assert!(matches!(share::read(&not_deflate), Err(LinkError::Malformed(_) | LinkError::Truncated)));
    for json in ["[]", "{}", "{\"lab\":1}", "not json {", "{\"lab\":{\"version\":1}}"] {
        assert!(matches!(share::read(&link_of_json(json)), Err(LinkError::Malformed(_))), "{json}");
    }
    let wrong_lang = Share::of(&Lab::seed_lab()).to_json().replacen('{', "{\"lang\":\"xx\",", 1);
    assert!(matches!(share::read(&link_of_json(&wrong_lang)), Err(LinkError::Malformed(_))));
    // A few bytes that inflate past the cap (a deflate bomb) stop at the cap.
    let bomb = link_of_json(&" ".repeat(share::MAX_DECODED + 1));
    assert!(bomb.len() < 3000, "{}", bomb.len());
    assert_eq!(share::read(&bomb), Err(LinkError::TooLarge));
    // Every error has its words in both languages.
    for e in [
        LinkError::TooLong(1),
        LinkError::Truncated,
        LinkError::Version("v2".into()),
        LinkError::Malformed(String::new()),
        LinkError::TooLarge,
        LinkError::Limits(String::new()),
    ] {
        assert!(kubelab::lab::i18n::has(e.word()), "{}", e.word());
    }
}

#[test]
fn a_link_past_the_links_bounds_is_refused() {
    let mut lab = Lab::seed_lab();
    for i in 0..=share::MAX_ENTRIES {
        lab.journal.push(kubelab::lab::Entry { at: i as u64, term: 0, act: Act::Line("true".into()) });
    }
    let mut s = Share::of(&lab);
    s.saved.applied = 0;
    assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))));
    // The Share button asks first, and makes no link the page would refuse.
    assert!(matches!(s.fits(&s.to_json()), Err(LinkError::Limits(_))));
    let seed = Share::of(&Lab::seed_lab());
    assert_eq!(seed.fits(&seed.to_json()), Ok(()));
    let big = Share {
        saved: kubelab::lab::Saved {
            files: vec![("big".into(), "x".repeat(share::MAX_DECODED))],
            ..seed.saved.clone()
        },
        ..seed
    };
    assert_eq!(big.fits(&big.to_json()), Err(LinkError::TooLarge));

    let mut s = Share::of(&Lab::seed_lab());
    s.saved.now = share::MAX_TIME_MS + 1;
    assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))));

    let mut s = Share::of(&Lab::seed_lab());
    s.saved.journal.push(kubelab::lab::Entry { at: 0, term: 2, act: Act::Line("true".into()) });
    assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))));

    for name in ["", "a/b", "../x", "x\u{7}", &"n".repeat(share::MAX_NAME + 1)] {
        let mut s = Share::of(&Lab::seed_lab());
        s.saved.files.push((name.to_string(), String::new()));
        assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))), "{name:?}");
    }
    let mut s = Share::of(&Lab::seed_lab());
    s.saved.files = (0..=share::MAX_FILES).map(|i| (format!("f{i}"), String::new())).collect();
    assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))));

    let mut s = Share::of(&Lab::seed_lab());
    s.panes = vec!["<img src=x onerror=alert(1)>".into()];
    assert!(matches!(share::read(&share::make(&s)), Err(LinkError::Limits(_))));

    // A save the lab would refuse (a clock before its last line) is refused as a link too.
    let mut lab = Lab::seed_lab();
    lab.run(0, "true");
    let mut s = Share::of(&lab);
    s.saved.applied = 5;
    assert!(matches!(share::read(&share::make(&s)).unwrap().lab(2), Err(LinkError::Limits(_))));
}

const CONFIGMAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ";

#[test]
fn a_manifest_past_the_labs_limits_is_refused_by_kubectl_and_the_lab_goes_on() {
    let mut lab = Lab::new(DEFAULT_SEED, Vec::new(), 2);
    // 400 KB aliased eight times: 3.2 MB, past the 3 MiB a request may carry (the link's lab
    // inflates to less than its cap: the file is in it twice, as a version and as it is now).
    let big = "x".repeat(400_000);
    let aliased = format!(
        "{CONFIGMAP}aliased\ndata:\n  a: &a {big}\n{}",
        (b'b'..=b'i').map(|k| format!("  {}: *a\n", k as char)).collect::<String>()
    );
    lab.set_file("big.yaml", &aliased);
    let mut laughs =
        format!("{CONFIGMAP}lol\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, c) in "bcdefghi".chars().enumerate() {
        let p = (b'a' + i as u8) as char;
        laughs += &format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n");
    }
    lab.set_file("laughs.yaml", &laughs);
    lab.run(0, "kubectl apply -f big.yaml");
    lab.run(0, "kubectl apply -f laughs.yaml");
    lab.run(0, "kubectl create cm after --from-literal=k=v");
    let link = share::make(&Share::of(&lab));
    assert!(link.len() < 4000, "{}", link.len());
    let back = share::read(&link).unwrap().lab(2).unwrap();
    let out = text(&back, 0);
    assert!(
        out.contains("Error from server (RequestEntityTooLarge): error when creating \"big.yaml\": Request entity too large: limit is 3145728\n"),
        "{out}"
    );
    assert!(out.contains("error: error parsing laughs.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing\n"), "{out}");
    assert!(out.contains("configmap/after created\n"), "the lab goes on: {out}");
    assert_eq!(out, text(&lab, 0));
}

/// Script-injection payloads, as a stranger would put them in a link.
const PAYLOADS: [&str; 4] = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    "\"><svg onload=window.__pwned=1>",
];

#[test]
fn injection_payloads_in_a_link_come_back_as_the_same_text() {
    let mut lab = Lab::seed_lab();
    for (i, p) in PAYLOADS.iter().enumerate() {
        // A file named with the payload (a name has no `/`), holding it as a YAML value and
        // an object name.
        let name = p.replace('/', "-");
        let yaml = format!("{CONFIGMAP}'{p}'\ndata:\n  k{i}: '{p}'\n---\n{CONFIGMAP}cm{i}\ndata:\n  v: '{p}'\n");
        lab.set_file(&name, &yaml);
        lab.run(0, &format!("kubectl apply -f '{name}'"));
        lab.run(1, &format!("echo '{p}'"));
    }
    lab.run(1, "kubectl get cm -o yaml | grep -c pwned");
    let s = Share { lesson: Some((PAYLOADS[0].into(), 0)), ..Share::of(&lab) };
    let read = share::read(&share::make(&s)).unwrap();
    assert_eq!(read, s);
    let back = read.lab(2).unwrap();
    assert_eq!(back.files, lab.files);
    for t in 0..2 {
        assert_eq!(text(&back, t), text(&lab, t));
    }
    let out = text(&back, 0);
    // The object named with the payload is refused in the API server's words, the other made.
    assert!(out.contains("metadata.name: Invalid value: \"<img src=x onerror=window.__pwned=1>\""), "{out}");
    assert!(out.contains("configmap/cm0 created"), "{out}");
    assert!(text(&back, 1).contains("\n<script>window.__pwned=1</script>\n"), "{}", text(&back, 1));
    assert_eq!(ask(&back, "kubectl get cm cm1 -o jsonpath={.data.v}"), PAYLOADS[1]);
}

#[test]
fn a_link_restores_a_lab_scrubbed_back_with_its_future() {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml");
    lab.advance(60_000);
    lab.run(1, "kubectl scale sts web --replicas=3");
    lab.advance(30_000);
    lab.seek(30_000);
    let back = share::read(&share::make(&Share::of(&lab))).unwrap().lab(2).unwrap();
    assert_eq!((back.now(), back.applied, back.journal.len()), (lab.now(), lab.applied, lab.journal.len()));
    assert_eq!(ask(&back, "kubectl get pods"), ask(&lab, "kubectl get pods"));
}

#[test]
fn arbitrary_links_never_panic() {
    use proptest::prelude::*;
    let good = share::make(&Share::of(&Lab::seed_lab()));
    proptest!(ProptestConfig::with_cases(300), |(cut in 0..good.len(), junk in "[ -~]{0,12}", at in 0..good.len())| {
        let mut s = good[..cut].to_string();
        s.push_str(&junk);
        s.push_str(&good[at..]);
        let _ = share::read(&s);
    });
}
