//! docs/FORMAT.md's worked example is generated from the code and checked
//! here: the example in the spec is always what licet really writes.
//! Regenerate with `LICET_BLESS=1 cargo test -p licet-tests --test format_doc`.

use licet_common::encode::LinkClaims;
use licet_common::{Quota, Tier};
use licet_tests::diag::diag;
use licet_tests::*;
use licet_verifier::{Device, TrustedRoot, verify};
use std::path::PathBuf;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn wrapped_hex(b: &[u8]) -> String {
    hex(b)
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example: the vendor `acme` licenses distributor 7, which licenses
/// dealer 3. Fixed keys (32 bytes of 0x01 and 0x02), serials and times.
fn example() -> (Vec<u8>, LinkClaims, LinkClaims) {
    let (vendor, dist) = (key(1), key(2));
    let nbf = 1_798_761_600; // 2027-01-01T00:00:00Z
    let exp = 1_830_297_600; // 2028-01-01T00:00:00Z
    let mut root = claims("acme", "acme/dist-7", 0);
    root.serial = vec![0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    (root.nbf, root.exp, root.iat) = (nbf, Some(exp), nbf - 86_400);
    root.cnf = Some(public(&dist));
    root.depth = 3;
    root.quotas.insert("sip_numbers".into(), Quota::Count(100));
    root.quotas.insert("app_installs".into(), Quota::Count(200));
    root.quotas.insert("door_codes".into(), Quota::Unlimited);
    root.features = Some(["video".to_string(), "door_api".to_string()].into());
    root.roles
        .insert("concierge".into(), ["guest_passes".to_string()].into());
    let mut child = claims("acme/dist-7", "acme/dist-7/dealer-3", 0);
    child.serial = vec![0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18];
    child.parent = Some(root.serial.clone());
    (child.nbf, child.exp, child.iat) = (nbf, Some(exp), nbf);
    child.tier = Tier::Plus;
    child.quotas.insert("sip_numbers".into(), Quota::Count(20));
    child.remind = Some(14 * 86_400);
    let file = chain(&[sign_link(&root, &vendor), sign_link(&child, &dist)]);
    (file, root, child)
}

fn blocks() -> Vec<(&'static str, String)> {
    let (file, root, child) = example();
    let vendor_pk = public(&key(1));
    let dist_pk = public(&key(2));
    let c = licet_common::Container::decode(&file).unwrap();
    let l1 = c.link(1).unwrap();
    let sig_structure = licet_common::encode::sig_structure(l1.protected, l1.payload);
    vec![
        (
            "keys",
            format!(
                "vendor public key  {}\nvendor key id      {}\ndist public key    {}\ndist key id        {}\nthumbprint input   {}\n",
                hex(&vendor_pk),
                hex(&licet_common::kid::kid(&vendor_pk)),
                hex(&dist_pk),
                hex(&licet_common::kid::kid(&dist_pk)),
                hex(&licet_common::kid::thumbprint_input(&vendor_pk)),
            ),
        ),
        ("diag", format!("{}\n", diag(&file))),
        ("hex", format!("{}\n", wrapped_hex(&file))),
        ("armor", licet_common::armor::encode(&file)),
        ("protected", format!("{}\n", hex(l1.protected))),
        (
            "root-payload",
            format!("{}\n", wrapped_hex(&root.to_payload())),
        ),
        (
            "child-payload",
            format!("{}\n", wrapped_hex(&child.to_payload())),
        ),
        (
            "sig-structure",
            format!("{}\n", wrapped_hex(&sig_structure)),
        ),
        (
            "sizes",
            format!(
                "license file {} bytes (text form {} bytes); link 0 {} bytes (payload {}), link 1 {} bytes (payload {})\n",
                file.len(),
                licet_common::armor::encode(&file).len(),
                c.link(0).unwrap().bytes.len(),
                root.to_payload().len(),
                l1.bytes.len(),
                child.to_payload().len()
            ),
        ),
    ]
}

#[test]
fn example_verifies() {
    let (file, ..) = example();
    let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
    let device = Device::new("acme/dist-7/dealer-3/complex-1", 1_800_000_000).unwrap();
    let lic = verify(&file, &roots, &device).unwrap();
    assert_eq!(
        lic.quota(licet_common::QuotaName::from_name("sip_numbers")),
        Some(Quota::Count(20))
    );
}

#[test]
fn format_md_example_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/FORMAT.md");
    let mut doc = std::fs::read_to_string(&path).unwrap();
    let bless = std::env::var("LICET_BLESS").is_ok_and(|v| v == "1");
    for (name, body) in blocks() {
        let begin = format!("<!-- BEGIN GENERATED {name} -->\n```text\n");
        let end = format!("```\n<!-- END GENERATED {name} -->");
        let start = doc
            .find(&begin)
            .unwrap_or_else(|| panic!("docs/FORMAT.md lacks the block {name}"))
            + begin.len();
        let stop = start
            + doc[start..]
                .find(&end)
                .unwrap_or_else(|| panic!("block {name} is not closed"));
        if bless {
            doc.replace_range(start..stop, &body);
        } else {
            assert_eq!(
                doc[start..stop],
                body,
                "docs/FORMAT.md block {name} is stale: run with LICET_BLESS=1"
            );
        }
    }
    if bless {
        std::fs::write(&path, doc).unwrap();
    }
}
