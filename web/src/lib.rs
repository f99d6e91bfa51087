//! The web inspector's engine: `licet inspect` compiled to WebAssembly.
//!
//! The page (`web/page.html`) hands over what a support person gave it —
//! license files or pasted text, trust roots as pasted, the panel's group,
//! a device id, a time — as one request, and gets back one JSON answer:
//! the report [`licet_report::inspect()`] makes for the CLI (its `doc` is
//! exactly what `licet inspect --json` prints, its `text` what `licet
//! inspect` prints), the key id of each root, and the inputs it could not
//! use, each with what to do. Nothing is decided in JavaScript.
//!
//! The ABI is five functions, no generated glue: `licet_alloc(len)` gives
//! the page a buffer for the request, `licet_inspect(ptr, len)` takes it
//! back and returns the answer's length, `licet_answer()` points at the
//! answer (valid until the next call), `licet_free(ptr, len)` returns a
//! buffer the page did not pass on, and `licet_file_bytes()` says how much
//! of each file to pass.
//!
//! The request is a sequence of fields, each a tag byte, a little-endian
//! `u32` length and that many bytes: `N` the page's clock (UNIX seconds,
//! decimal), `T` the time to check at as typed (empty: now), `G` the
//! group, `D` the device id, `R` a trust root (any form
//! [`licet_report::root_key_bytes`] reads), `F` a file's name followed by
//! `B` its contents.

use licet_report::{Input, Refused, json};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// The request, read from its fields.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub now: u64,
    pub at: String,
    pub group: String,
    pub device_id: String,
    pub roots: Vec<Vec<u8>>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Largest request the page may send: a device's files at the armor's cap
/// plus the roots and names.
pub const MAX_REQUEST: usize = 16 * licet_common::limits::MAX_ARMOR_BYTES;

impl Request {
    /// Reads the fields; a malformed request is the page's own bug.
    pub fn parse(mut frame: &[u8]) -> Result<Self, Refused> {
        let bug = |what: &str| {
            Refused::new(
                format!("the page sent a malformed request ({what})"),
                "reload the page; if it happens again, report it with the files used",
            )
        };
        if frame.len() > MAX_REQUEST {
            return Err(Refused::new(
                "the files together are too large to be licenses",
                "drop only license files (.lic), each a few kilobytes",
            ));
        }
        let mut req = Self::default();
        let mut name: Option<String> = None;
        while let Some((&tag, rest)) = frame.split_first() {
            let (len, rest) = rest.split_at_checked(4).ok_or_else(|| bug("length"))?;
            let len = u32::from_le_bytes(len.try_into().map_err(|_| bug("length"))?);
            let len = usize::try_from(len).map_err(|_| bug("length"))?;
            let (value, rest) = rest.split_at_checked(len).ok_or_else(|| bug("field"))?;
            frame = rest;
            let text = || String::from_utf8_lossy(value).into_owned();
            match tag {
                b'N' => req.now = text().trim().parse().map_err(|_| bug("clock"))?,
                b'T' => req.at = text(),
                b'G' => req.group = text(),
                b'D' => req.device_id = text(),
                b'R' => req.roots.push(value.to_vec()),
                b'F' => name = Some(text()),
                b'B' => req.files.push((
                    name.take().ok_or_else(|| bug("contents without a name"))?,
                    value.to_vec(),
                )),
                _ => return Err(bug("unknown field")),
            }
        }
        Ok(req)
    }
}

/// An input the page could not use, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputProblem {
    /// `time`, `group`, `device_id`, `root`, `files` or `request`.
    pub field: String,
    /// Which root or file, counted from 0, when the field has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    pub message: String,
    pub hint: String,
}

/// A trust root as the page shows it, to compare with the vendor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootInfo {
    pub index: usize,
    /// The key id (RFC 9679 thumbprint, the first 16 bytes), as `licet
    /// inspect` shows a link's signer.
    pub kid: String,
}

/// The report, as the CLI prints it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportAnswer {
    pub problems: usize,
    /// What `licet inspect` prints.
    pub text: String,
    /// What `licet inspect --json` prints.
    pub doc: json::InspectDoc,
}

/// Everything the page shows.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The time checked at (UNIX seconds).
    pub at: u64,
    pub roots: Vec<RootInfo>,
    /// Inputs left out, each with what to do; the report uses the rest.
    pub inputs: Vec<InputProblem>,
    /// None when no file was given.
    pub report: Option<ReportAnswer>,
}

fn problem(field: &str, index: Option<usize>, r: &Refused) -> InputProblem {
    InputProblem {
        field: field.to_owned(),
        index,
        message: r.message.clone(),
        hint: r.hint.clone(),
    }
}

/// The answer to a request: the inputs it could not use are reported and
/// left out, the rest is inspected as `licet inspect` would.
pub fn answer(req: &Request) -> Answer {
    let mut inputs = Vec::new();
    let at = match req.at.trim() {
        "" => req.now,
        t => licet_report::time::parse_time(t, req.now, "time").unwrap_or_else(|r| {
            inputs.push(problem("time", None, &r));
            req.now
        }),
    };
    let mut roots = Vec::new();
    let mut shown = Vec::new();
    for (i, raw) in req.roots.iter().enumerate() {
        let parsed = licet_report::root_key_bytes(raw)
            .map_err(|e| Refused::new(e.message(), e.hint()))
            .and_then(|key| {
                licet_verifier::TrustedRoot::from_bytes(&key)
                    .map(|root| (key, root))
                    .map_err(|e| Refused::new(e.to_string(), "pass the vendor's root public key"))
            });
        match parsed {
            Ok((key, root)) => {
                shown.push(RootInfo {
                    index: i,
                    kid: licet_report::text::hex(&licet_common::kid::kid(&key)),
                });
                roots.push(root);
            }
            Err(r) => inputs.push(problem("root", Some(i), &r)),
        }
    }
    let group = match req.group.trim() {
        "" => None,
        g => licet_report::args::parse_group("group ", g)
            .map_err(|r| inputs.push(problem("group", None, &r)))
            .ok(),
    };
    let device_id = match req.device_id.trim() {
        "" => None,
        d => licet_report::args::parse_device_id("device id", d)
            .map_err(|r| inputs.push(problem("device_id", None, &r)))
            .ok(),
    };
    let files = match licet_report::args::at_most_a_device(req.files.len()) {
        Ok(()) => &req.files[..],
        Err(r) => {
            inputs.push(problem("files", None, &r));
            &[]
        }
    };
    let files: Vec<Input> = files
        .iter()
        .map(|(name, raw)| Input::new(name, raw))
        .collect();
    let report = (!files.is_empty()).then(|| {
        let r = licet_report::inspect(&files, &roots, group, device_id, at, None);
        ReportAnswer {
            problems: r.problems,
            text: r.text,
            doc: r.doc,
        }
    });
    Answer {
        at,
        roots: shown,
        inputs,
        report,
    }
}

/// The answer to a request's bytes, as JSON.
pub fn answer_json(frame: &[u8]) -> String {
    let answer = match Request::parse(frame) {
        Ok(req) => answer(&req),
        Err(r) => Answer {
            at: 0,
            roots: Vec::new(),
            inputs: vec![problem("request", None, &r)],
            report: None,
        },
    };
    json::to_string(&answer)
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one
// thread: the page's.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The last answer, kept for the page to read.
static ANSWER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// A buffer of `len` bytes for the page to write a request into.
#[unsafe(no_mangle)]
pub extern "C" fn licet_alloc(len: usize) -> *mut u8 {
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>()
}

/// Returns a buffer from [`licet_alloc`] that was not passed to
/// [`licet_inspect`].
///
/// # Safety
/// `ptr` and `len` are a buffer [`licet_alloc`] returned, not freed since.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller passes back a box of `len` bytes from licet_alloc.
    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// Inspects the request in `ptr` (a buffer from [`licet_alloc`], taken
/// back here) and returns the length of the answer [`licet_answer`] points
/// at.
///
/// # Safety
/// `ptr` and `len` are a buffer [`licet_alloc`] returned, not freed since.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn licet_inspect(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller passes back a box of `len` bytes from licet_alloc.
    let request = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) };
    let answer = answer_json(&request).into_bytes();
    let n = answer.len();
    if let Ok(mut slot) = ANSWER.lock() {
        *slot = answer;
    }
    n
}

/// How many bytes of each file the page passes on: one more than the
/// longest license text, so a longer file is refused as too large, as
/// `licet inspect` refuses it, without the page reading all of it.
#[unsafe(no_mangle)]
pub extern "C" fn licet_file_bytes() -> usize {
    licet_common::limits::MAX_ARMOR_BYTES + 1
}

/// The last answer's bytes (UTF-8 JSON), valid until the next
/// [`licet_inspect`].
#[unsafe(no_mangle)]
pub extern "C" fn licet_answer() -> *const u8 {
    ANSWER.lock().map_or(std::ptr::null(), |a| a.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(fields: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (tag, value) in fields {
            out.push(*tag);
            out.extend_from_slice(&u32::try_from(value.len()).unwrap().to_le_bytes());
            out.extend_from_slice(value);
        }
        out
    }

    fn read_back(json: &str) -> Answer {
        serde_json::from_str(json).expect("the answer reads back into its type")
    }

    #[test]
    fn a_request_reads_back_field_by_field() {
        let f = frame(&[
            (b'N', b"1800000000"),
            (b'T', b"2027-01-31"),
            (b'G', b"acme/dist-7"),
            (b'D', b"panel-1"),
            (b'R', b"root text"),
            (b'F', b"a.lic"),
            (b'B', b"\x00\x01"),
            (b'F', b"b.lic"),
            (b'B', b""),
        ]);
        assert_eq!(
            Request::parse(&f),
            Ok(Request {
                now: 1_800_000_000,
                at: "2027-01-31".into(),
                group: "acme/dist-7".into(),
                device_id: "panel-1".into(),
                roots: vec![b"root text".to_vec()],
                files: vec![("a.lic".into(), vec![0, 1]), ("b.lic".into(), Vec::new())],
            })
        );
    }

    #[test]
    fn a_malformed_request_is_named_as_the_pages_bug() {
        for bad in [
            &b"N\x05\x00"[..],
            b"N\x05\x00\x00\x00ab",
            b"Q\x00\x00\x00\x00",
            b"B\x00\x00\x00\x00",
            b"N\x02\x00\x00\x00xx",
        ] {
            let a = read_back(&answer_json(bad));
            assert_eq!(a.inputs.len(), 1, "{bad:?}");
            assert_eq!(a.inputs[0].field, "request");
            assert!(
                a.inputs[0].message.contains("malformed"),
                "{}",
                a.inputs[0].message
            );
            assert!(a.report.is_none());
        }
        let huge = frame(&[(b'F', b"x"), (b'B', &vec![0u8; MAX_REQUEST])]);
        assert!(
            read_back(&answer_json(&huge)).inputs[0]
                .message
                .contains("too large")
        );
    }

    #[test]
    fn inputs_it_cannot_use_are_named_and_the_files_still_inspected() {
        let f = frame(&[
            (b'N', b"1800000000"),
            (b'T', b"yesterday"),
            (b'G', b"Not A Group"),
            (b'D', b"has space"),
            (
                b'R',
                b"-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
            ),
            (b'R', b"0011"),
            (b'F', b"junk.lic"),
            (b'B', b"not a license"),
        ]);
        let a = read_back(&answer_json(&f));
        let fields: Vec<(&str, Option<usize>)> = a
            .inputs
            .iter()
            .map(|p| (p.field.as_str(), p.index))
            .collect();
        assert_eq!(
            fields,
            [
                ("time", None),
                ("root", Some(0)),
                ("root", Some(1)),
                ("group", None),
                ("device_id", None)
            ]
        );
        assert!(a.inputs.iter().all(|p| !p.hint.is_empty()));
        assert_eq!(a.at, 1_800_000_000, "a bad time falls back to the clock");
        let r = a.report.expect("the file is still inspected");
        assert_eq!(r.doc.files.len(), 1);
        assert!(!r.doc.files[0].decoded);
        assert!(r.doc.files[0].verdict.starts_with("REJECTED: "));
        assert!(r.text.starts_with(&r.doc.files[0].verdict));
    }

    #[test]
    fn more_files_than_a_device_holds_are_refused() {
        let names: Vec<String> = (0..=licet_verifier::MAX_LICENSES)
            .map(|i| format!("{i}.lic"))
            .collect();
        let mut fields: Vec<(u8, &[u8])> = vec![(b'N', b"0")];
        for n in &names {
            fields.push((b'F', n.as_bytes()));
            fields.push((b'B', b"x"));
        }
        let a = read_back(&answer_json(&frame(&fields)));
        assert_eq!(a.inputs[0].field, "files");
        assert!(a.report.is_none());
    }

    proptest! {
        #[test]
        fn any_bytes_get_an_answer_that_reads_back(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            read_back(&answer_json(&bytes));
        }
    }
}
