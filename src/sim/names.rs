//! Names as the API server and controllers make them: pod-template-hash, `generateName`
//! suffixes and UIDs (reference §1).
//!
//! The randomness comes from the one seeded generator the `Sim` owns, passed in by `&mut`.

use rand_core::RngCore;

/// The apimachinery `utilrand` alphabet: no vowels, no `y`, no `0 1 3`.
pub const ALPHANUMS: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// `SafeEncodeString`: every byte mapped through [`ALPHANUMS`] by its value modulo 27.
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char).collect()
}

/// FNV-1a, 32 bit.
pub fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}

/// FNV-1 (multiply, then xor), 32 bit: the StatefulSet revision hash.
pub fn fnv1_32(data: &[u8]) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for &b in data {
        h = h.wrapping_mul(16_777_619);
        h ^= b as u32;
    }
    h
}

/// The Deployment's pod-template-hash.
///
/// k8s-diff: upstream hashes a go-spew dump of the Go struct; we hash the canonical JSON
/// (sorted keys) of the defaulted template. Same properties: deterministic, same template ⇒
/// same hash, legal alphabet and length (reference §1.1).
pub fn pod_template_hash(template: &serde_json::Value, collision_count: Option<u32>) -> String {
    // The compact JSON that `Display` writes: the same bytes as `to_vec`, one serializer in the page.
    let mut bytes = template.to_string().into_bytes();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&c.to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode(&fnv1a32(&bytes).to_string())
}

/// A ControllerRevision hash: FNV-1 over the revision's patch bytes, then the decimal collision count.
pub fn revision_hash(patch_bytes: &[u8], collision_count: u32) -> String {
    let mut bytes = patch_bytes.to_vec();
    bytes.extend_from_slice(collision_count.to_string().as_bytes());
    safe_encode(&fnv1_32(&bytes).to_string())
}

/// `utilrand.String(n)`: 5-bit chunks of a 63-bit random number, rejecting indexes ≥ 27.
pub fn random_suffix(rng: &mut dyn RngCore, n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut cache = rng.next_u64() >> 1;
    let mut remain = 12; // 63 bits hold twelve 5-bit chunks
    while out.len() < n {
        if remain == 0 {
            cache = rng.next_u64() >> 1;
            remain = 12;
        }
        let idx = (cache & 0x1f) as usize;
        if idx < ALPHANUMS.len() {
            out.push(ALPHANUMS[idx] as char);
        }
        cache >>= 5;
        remain -= 1;
    }
    out
}

/// The name the API server gives an object created with `generateName`.
pub fn generate_name(rng: &mut dyn RngCore, prefix: &str) -> String {
    let prefix: String = prefix.chars().take(58).collect();
    format!("{prefix}{}", random_suffix(rng, 5))
}

/// A random (version 4) UUID, as the API server sets `metadata.uid`.
pub fn uuid_v4(rng: &mut dyn RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// `web-3` → ("web", 3), per the controller's `(.*)-([0-9]+)$`.
pub fn parse_ordinal(name: &str) -> Option<(&str, i64)> {
    let (parent, ord) = name.rsplit_once('-')?;
    if ord.is_empty() || !ord.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parent, ord.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    #[test]
    fn safe_encode_maps_digits_to_the_ten_hash_characters() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        // Worked decodes from reference §1.1.
        assert_eq!(safe_encode("795613965"), "cf9b57fb9");
        assert_eq!(safe_encode("2262704881"), "66b6c48dd5");
        assert_eq!(safe_encode("4294967295"), "86f8fbc6f9");
    }

    #[test]
    fn fnv_matches_known_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c292c);
        assert_eq!(fnv1_32(b"a"), 0x050c5d7e);
    }

    #[test]
    fn pod_template_hash_is_stable_and_legal() {
        let t = serde_json::json!({"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}});
        let a = pod_template_hash(&t, None);
        assert_eq!(a, pod_template_hash(&t, None));
        assert_ne!(a, pod_template_hash(&t, Some(0)), "nil and 0 collision counts differ");
        assert!(!a.is_empty() && a.len() <= 10);
        assert!(a.chars().all(|c| "456789bcdf".contains(c)));
        assert!(!a.starts_with('4'));
    }

    #[test]
    fn random_suffixes_use_the_alphabet_and_are_seeded() {
        let mut r1 = ChaCha8Rng::seed_from_u64(7);
        let mut r2 = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let s = random_suffix(&mut r1, 5);
            assert_eq!(s.len(), 5);
            assert!(s.bytes().all(|b| ALPHANUMS.contains(&b)));
            assert_eq!(s, random_suffix(&mut r2, 5));
        }
        assert_eq!(generate_name(&mut r1, &"x".repeat(70)).len(), 63);
    }

    #[test]
    fn uuids_are_version_4() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        let u = uuid_v4(&mut r);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
    }

    #[test]
    fn ordinals_are_read_off_the_name() {
        assert_eq!(parse_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parse_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parse_ordinal("web"), None);
        assert_eq!(parse_ordinal("web-x"), None);
    }
}
