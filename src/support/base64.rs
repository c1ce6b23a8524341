//! Standard base64 (RFC 4648, padded), as Go's `base64.StdEncoding` writes and reads it: Secret
//! `data`, and what `kubectl create secret` and the kubelet do with it. Also the URL-safe
//! alphabet without padding (RFC 4648 section 5, Go's `RawURLEncoding`), for share links.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(bytes: &[u8]) -> String {
    encode_with(bytes, ALPHABET, true)
}

/// URL-safe base64 without padding (`-` and `_` for `+` and `/`).
pub fn encode_url(bytes: &[u8]) -> String {
    encode_with(bytes, URL_ALPHABET, false)
}

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of padded base64 text; `None` when it is not.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_end_matches('=');
    if !text.len().is_multiple_of(4) || text.len() - t.len() > 2 {
        return None;
    }
    decode_with(t, ALPHABET)
}

/// The bytes of URL-safe base64 text without padding; `None` when it is not (a length that
/// leaves 6 bits over cannot be whole bytes).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    decode_with(text, URL_ALPHABET)
}

fn decode_with(t: &str, alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut n = 0u32;
    let mut bits = 0;
    for c in t.bytes() {
        let v = alphabet.iter().position(|&a| a == c)? as u32;
        n = (n << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648's test vectors.
    #[test]
    fn rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode("Zm9v!"), None);
        assert_eq!(decode("Zg="), None);
    }

    /// RFC 4648 section 5: `-` and `_` for `+` and `/`; here without padding.
    #[test]
    fn url_safe_without_padding() {
        assert_eq!(encode_url(&[0xfb, 0xff]), "-_8");
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
        for plain in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let coded = encode_url(plain.as_bytes());
            assert_eq!(coded, encode(plain.as_bytes()).trim_end_matches('='));
            assert_eq!(decode_url(&coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode_url("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_url("+/8"), None);
        assert_eq!(decode_url("Zm9vY"), None, "a length that leaves six bits over");
        assert_eq!(decode_url("Zg=="), None, "no padding");
    }
}
