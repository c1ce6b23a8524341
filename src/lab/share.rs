//! Share links: a whole lab in the page address's fragment. To make one, build a [`Share`]
//! (`Share::of(&lab)`, then set `lesson`, `panes`, `lang` as the page has them), turn it into
//! JSON with [`Share::to_json`], compress those bytes with raw DEFLATE (RFC 1951: the browser's
//! `CompressionStream("deflate-raw")`, or [`make`] natively), and [`wrap`] the compressed bytes:
//! `v1.` + URL-safe base64 (no padding) + `.` + the CRC-32 of the compressed bytes (six more
//! characters); put it after `#` (`index.html#v1.…`). To read one, [`unwrap`] the fragment (it
//! checks the length cap, the version, the checksum, so a cut-off link says it is truncated),
//! inflate the bytes with [`MAX_DECODED`] as the limit, and [`Share::from_json`] them (bounds:
//! [`MAX_ENTRIES`], [`MAX_FILES`], file names, a day of virtual time); [`Share::lab`] replays
//! the lab's journal (the save's, `Lab::save`/`Lab::restore`) into the same cluster: same pod
//! names, same ages at the same moment. [`read`] does all of it natively. Every refusal is a
//! [`LinkError`]; the page shows its words (`LinkError::word`) and opens the default lab.
//! What a link carries is input like anything typed: its lines run through the same shell and
//! kubectl, with the same limits, and the page draws its text as text.

use super::{Lab, Saved, MAX_TERMINALS};
use crate::jv;
use crate::lab::i18n::Lang;
use serde_json::Value;

/// The format's version, the link's first characters.
pub const PREFIX: &str = "v1.";
/// Longest link read, in characters (without the `#`).
pub const MAX_LINK: usize = 64 * 1024;
/// Most bytes a link's lab may inflate to (its JSON).
pub const MAX_DECODED: usize = 1 << 20;
/// Most journal entries (typed lines, Ctrl-C, Ctrl-L, file versions) a link replays.
pub const MAX_ENTRIES: usize = 1000;
/// Most editor files a link may carry.
pub const MAX_FILES: usize = 32;
/// Longest editor file name, in characters (as the page's new-file box allows).
pub const MAX_NAME: usize = 64;
/// Most terminals a link's lines may go to (the page has two).
pub const TERMINALS: usize = 2;
/// Latest virtual moment a link may name: a day (what one line may wait for; replaying a
/// longer lab could keep the page busy for long).
pub const MAX_TIME_MS: u64 = 24 * 3600 * 1000;
/// Longest lesson address a link may name.
const MAX_LESSON: usize = 2048;
/// The panes a link may name, as `?panes=` names them.
pub const PANES: [&str; 4] = ["editor", "terminal", "diagram", "timeline"];

/// What a share link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    /// The lab: files, journal (each line with its virtual moment), seed, clock.
    pub saved: Saved,
    /// The open lesson's address (`lessons/seed-lab.yaml`, or `https://…` for one from
    /// elsewhere) and its step (from 0).
    pub lesson: Option<(String, usize)>,
    /// The panes shown (names of [`PANES`]); empty: all.
    pub panes: Vec<String>,
    pub lang: Option<Lang>,
}

/// Why a link was not opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is {0} characters long, past the limit of {MAX_LINK}")]
    TooLong(usize),
    #[error("the link is cut short")]
    Truncated,
    #[error("the link is of version \"{0}\"; this page reads \"{PREFIX}\"")]
    Version(String),
    #[error("the link is damaged: {0}")]
    Malformed(String),
    #[error("the lab in the link is larger than {MAX_DECODED} bytes")]
    TooLarge,
    #[error("the lab in the link is past the lab's limits: {0}")]
    Limits(String),
}

impl LinkError {
    /// The page's words for it (`lab::i18n`).
    pub fn word(&self) -> &'static str {
        match self {
            LinkError::TooLong(_) | LinkError::TooLarge => "link_too_large",
            LinkError::Truncated => "link_truncated",
            LinkError::Version(_) => "link_version",
            LinkError::Malformed(_) => "link_malformed",
            LinkError::Limits(_) => "link_limits",
        }
    }
}

impl Share {
    /// The lab as it is, with no lesson, all panes and no language.
    pub fn of(lab: &Lab) -> Share {
        Share { saved: lab.save(), lesson: None, panes: Vec::new(), lang: None }
    }

    /// The JSON the link compresses.
    pub fn to_json(&self) -> String {
        let mut v = jv!({ "lab": self.saved.to_value() });
        if let Some(m) = v.as_object_mut() {
            if let Some((url, step)) = &self.lesson {
                m.insert("lesson".into(), jv!(url));
                m.insert("step".into(), jv!(step));
            }
            if !self.panes.is_empty() {
                m.insert("panes".into(), jv!(self.panes));
            }
            if let Some(l) = self.lang {
                m.insert("lang".into(), jv!(l.code()));
            }
        }
        // As `Saved::to_json`: the YAML reader folds a raw NEL in a quoted string.
        v.to_string().replace('\u{85}', "\\u0085")
    }

    /// Reads the JSON of a link, within the bounds; anything else is an error, never a panic.
    pub fn from_json(text: &str) -> Result<Share, LinkError> {
        if text.len() > MAX_DECODED {
            return Err(LinkError::TooLarge);
        }
        let v = crate::support::yaml::parse(text).map_err(|e| LinkError::Malformed(e.to_string()))?;
        if !v.is_object() {
            return Err(LinkError::Malformed("not an object".into()));
        }
        let saved = Saved::from_value(v.get("lab").unwrap_or(&Value::Null)).map_err(LinkError::Malformed)?;
        let bad = |what: &str| LinkError::Malformed(format!("{what} is malformed"));
        let lesson = match (v.get("lesson"), v.get("step")) {
            (None, None) => None,
            (Some(Value::String(url)), Some(step)) => {
                let step = step.as_u64().and_then(|s| usize::try_from(s).ok()).ok_or_else(|| bad("step"))?;
                Some((url.clone(), step))
            }
            _ => return Err(bad("lesson")),
        };
        let panes = match v.get("panes") {
            None => Vec::new(),
            Some(p) => p
                .as_array()
                .and_then(|ps| ps.iter().map(|p| p.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| bad("panes"))?,
        };
        let lang = match v.get("lang") {
            None => None,
            Some(l) => Some(l.as_str().and_then(Lang::from_code).ok_or_else(|| bad("lang"))?),
        };
        let share = Share { saved, lesson, panes, lang };
        share.check().map_err(LinkError::Limits)?;
        Ok(share)
    }

    /// Whether a link of this share would be opened (`from_json`'s bounds): the Share button
    /// says so rather than make a link the page would refuse. The link's length is known only
    /// once compressed (`unwrap` refuses one past [`MAX_LINK`]).
    pub fn fits(&self, json: &str) -> Result<(), LinkError> {
        if json.len() > MAX_DECODED {
            return Err(LinkError::TooLarge);
        }
        self.check().map_err(LinkError::Limits)
    }

    /// The bounds a link's lab must keep, beyond those of a save.
    fn check(&self) -> Result<(), String> {
        let s = &self.saved;
        if s.journal.len() > MAX_ENTRIES {
            return Err(format!("{} journal entries, more than {MAX_ENTRIES}", s.journal.len()));
        }
        for files in [&s.initial_files, &s.files] {
            if files.len() > MAX_FILES {
                return Err(format!("{} editor files, more than {MAX_FILES}", files.len()));
            }
            files.iter().try_for_each(|(name, _)| check_name(name))?;
        }
        for e in &s.journal {
            if e.term >= TERMINALS {
                return Err(format!("a line for terminal {}, of {TERMINALS}", e.term + 1));
            }
            if e.at > MAX_TIME_MS {
                return Err("a line later than a day of virtual time".into());
            }
            if let super::Act::File { name, .. } = &e.act {
                check_name(name)?;
            }
        }
        if s.now > MAX_TIME_MS {
            return Err("a clock past a day of virtual time".into());
        }
        if s.histories.len() > TERMINALS || s.histories.iter().any(|h| h.len() > MAX_ENTRIES) {
            return Err("histories past the terminals' bounds".into());
        }
        if let Some((url, _)) = &self.lesson {
            if url.len() > MAX_LESSON {
                return Err(format!("a lesson address longer than {MAX_LESSON} bytes"));
            }
        }
        match self.panes.iter().find(|p| !PANES.contains(&p.as_str())) {
            Some(p) => Err(format!("no pane is called \"{p}\"")),
            None => Ok(()),
        }
    }

    /// The lab the link describes, its journal replayed (`Lab::restore`) in `terminals`
    /// terminals.
    pub fn lab(&self, terminals: usize) -> Result<Lab, LinkError> {
        const { assert!(TERMINALS <= MAX_TERMINALS) };
        Lab::restore(self.saved.clone(), terminals).map_err(LinkError::Limits)
    }

    /// The lesson to open (`?lesson=ID` for the site's, `?lesson-url=` for one from elsewhere)
    /// and its step, if the link names one the page can open.
    pub fn lesson_target(&self) -> Option<(crate::lab::lesson::guide::Target, usize)> {
        use crate::lab::lesson::guide::Target;
        let (url, step) = self.lesson.as_ref()?;
        let target = if let Some(id) = url.strip_prefix("lessons/").and_then(|f| f.strip_suffix(".yaml")) {
            Target::Id(id.to_string())
        } else if url.starts_with("https://") || url.starts_with("http://") {
            Target::Url(url.clone())
        } else {
            return None;
        };
        Some((target, *step))
    }
}

/// An editor file name a link may carry: as long as the new-file box allows, no control
/// character and no `/`. Other characters stay: the page draws a name as text, and the shell
/// takes it quoted.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(format!("a file name of {} characters (1 to {MAX_NAME})", name.chars().count()));
    }
    if name.chars().any(|c| c.is_control() || c == '/') || name == "." || name == ".." {
        return Err("a file name with a control character or a slash".into());
    }
    Ok(())
}

/// The link for compressed bytes (raw DEFLATE of `Share::to_json`): `v1.DATA.CRC`, both in
/// URL-safe base64.
pub fn wrap(deflated: &[u8]) -> String {
    let crc = crc32(deflated).to_be_bytes();
    format!("{PREFIX}{}.{}", crate::support::base64::encode_url(deflated), crate::support::base64::encode_url(&crc))
}

/// The compressed bytes of a link (`#` or the whole address before it are dropped), checked:
/// its size, its version, its end (a link cut short lacks its checksum), its checksum.
pub fn unwrap(link: &str) -> Result<Vec<u8>, LinkError> {
    let link = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
    if link.len() > MAX_LINK {
        return Err(LinkError::TooLong(link.len()));
    }
    let Some(body) = link.strip_prefix(PREFIX) else {
        return match link.split_once('.') {
            Some((v, _)) if v.len() <= 8 && v.starts_with('v') => Err(LinkError::Version(v.to_string())),
            _ if link.len() < PREFIX.len() && PREFIX.starts_with(link) => Err(LinkError::Truncated),
            _ => Err(LinkError::Malformed("it does not start with \"v1.\"".into())),
        };
    };
    // The checksum is six characters after the last dot: fewer, or none, is a cut.
    let (data, crc) = match body.rsplit_once('.') {
        Some((d, c)) if c.len() == 6 => (d, c),
        Some((_, c)) if c.len() < 6 => return Err(LinkError::Truncated),
        None => return Err(LinkError::Truncated),
        Some(_) => return Err(LinkError::Malformed("its checksum is not six characters".into())),
    };
    let crc = crate::support::base64::decode_url(crc)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .ok_or_else(|| LinkError::Malformed("its checksum is not base64".into()))?;
    let bytes = crate::support::base64::decode_url(data)
        .ok_or_else(|| LinkError::Malformed("it has characters that are not URL-safe base64".into()))?;
    if crc32(&bytes) != u32::from_be_bytes(crc) {
        return Err(LinkError::Malformed("its checksum does not match".into()));
    }
    Ok(bytes)
}

/// The JSON text a link's inflated bytes hold.
pub fn text(inflated: Vec<u8>) -> Result<String, LinkError> {
    if inflated.len() > MAX_DECODED {
        return Err(LinkError::TooLarge);
    }
    String::from_utf8(inflated).map_err(|_| LinkError::Malformed("its text is not UTF-8".into()))
}

/// CRC-32 (IEEE 802.3, as zlib's `crc32` and Go's `crc32.ChecksumIEEE`), bit by bit: a link
/// is at most 48 KB of bytes.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// The link of a share, compressed natively (the page compresses with the browser's
/// `CompressionStream`, which gives other bytes of the same format).
#[cfg(not(target_arch = "wasm32"))]
pub fn make(share: &Share) -> String {
    wrap(&miniz_oxide::deflate::compress_to_vec(share.to_json().as_bytes(), 9))
}

/// The share a link carries, inflated natively, within every bound.
#[cfg(not(target_arch = "wasm32"))]
pub fn read(link: &str) -> Result<Share, LinkError> {
    let bytes = unwrap(link)?;
    let inflated =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_DECODED).map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => LinkError::Truncated,
            _ => LinkError::Malformed("its data does not inflate".into()),
        })?;
    Share::from_json(&text(inflated)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_zlibs() {
        // The check value of CRC-32/ISO-HDLC (zlib, Go's ChecksumIEEE).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_link_is_the_prefix_the_data_and_its_checksum() {
        let link = wrap(b"\xfb\xff\x00");
        assert!(link.starts_with("v1.-_8A."), "{link}");
        assert_eq!(link.len(), "v1.".len() + 4 + 1 + 6);
        assert_eq!(unwrap(&link).unwrap(), b"\xfb\xff\x00");
        assert_eq!(unwrap(&format!("https://x.test/kubelab/?panes=terminal#{link}")).unwrap(), b"\xfb\xff\x00");
        assert_eq!(unwrap("v3.abc"), Err(LinkError::Version("v3".into())));
        assert_eq!(unwrap("v1"), Err(LinkError::Truncated));
        assert!(matches!(unwrap("v1.AAAA.AAAAAAAA"), Err(LinkError::Malformed(_))));
    }
}
