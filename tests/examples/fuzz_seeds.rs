//! Writes seed corpora for the fuzz targets from real licenses built with
//! the format's encoder: `cargo run -p licet-tests --example fuzz_seeds -- fuzz/corpus`.
//! Every chain is rooted in `licet_tests::key(1)`, the root the fuzz targets trust.

use licet_common::Quota;
use licet_tests::*;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let chains = [
        hierarchy().build(),
        ChainBuilder::new(key(1), "acme/dist-7", |c| {
            c.quotas.insert("door_codes".into(), Quota::Unlimited);
            c.devices = Some(["panel-1".to_string()].into());
            c.remind = Some(14 * DAY);
        })
        .push("acme/dist-7/dealer-3", |c| {
            c.features = Some(["video".to_string()].into());
            c.roles
                .insert("concierge".into(), ["video".to_string()].into());
        })
        .build(),
        ChainBuilder::new(key(1), "acme/dist-7", |c| {
            c.kind = licet_common::Kind::AddOn
        })
        .build(),
        // Licenses for the building the targets' panel is in: a Basic
        // without end, an add-on, and one minted a day ahead.
        ChainBuilder::new(key(1), "acme/dist-7", |c| c.exp = None)
            .push_leaf("acme/dist-7/dealer-3/complex-12/bldg-2", |c| {
                c.tier = licet_common::Tier::Basic;
                c.exp = None;
                c.serial = vec![0xba; 8];
            })
            .build(),
        ChainBuilder::new(key(1), "acme/dist-7", |_| {})
            .push_leaf("acme/dist-7/dealer-3/complex-12/bldg-2", |c| {
                c.kind = licet_common::Kind::AddOn;
                c.serial = vec![0xad; 8];
                c.quotas.insert("door_codes".into(), Quota::Count(3));
                c.iat = NOW + DAY;
            })
            .build(),
    ];
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    for (i, c) in chains.iter().enumerate() {
        let text = licet_common::armor::encode(c);
        for t in ["container", "chain", "evaluate"] {
            write(t, &format!("chain-{i}"), c);
        }
        write("armor", &format!("chain-{i}.txt"), text.as_bytes());
        // As pasted from an email: a byte order mark, CRLF, quoting,
        // no-break spaces and text around it.
        let pasted: String = text.lines().map(|l| format!(">\u{a0}{l}\r\n")).collect();
        let pasted = format!("\u{feff}Hello,\r\n{pasted}Regards\r\n");
        write("armor", &format!("chain-{i}-pasted.txt"), pasted.as_bytes());
        write(
            "inspect",
            &format!("chain-{i}-pasted.txt"),
            pasted.as_bytes(),
        );
        write("inspect", &format!("chain-{i}.txt"), text.as_bytes());
        write("inspect", &format!("chain-{i}"), c);
        let container = licet_common::Container::decode(c).unwrap();
        for (j, l) in container.links().enumerate() {
            write("link", &format!("chain-{i}-link-{j}"), l.bytes);
        }
    }
    let mut set = Vec::new();
    for (i, c) in chains.iter().enumerate() {
        if i > 0 {
            set.extend_from_slice(b"LICET-NEXT");
        }
        set.extend_from_slice(c);
    }
    write("evaluate", "set", &set);
    // The same add-on twice beside its base.
    let mut dup = chains[3].clone();
    for _ in 0..2 {
        dup.extend_from_slice(b"LICET-NEXT");
        dup.extend_from_slice(&chains[4]);
    }
    write("evaluate", "duplicates", &dup);
    // The web inspector's requests (web/src/lib.rs): the clock, a time,
    // the group, a device id, the root as hex, and the files.
    let field = |out: &mut Vec<u8>, tag: u8, value: &[u8]| {
        out.push(tag);
        out.extend_from_slice(&u32::try_from(value.len()).unwrap().to_le_bytes());
        out.extend_from_slice(value);
    };
    let root_hex: String = public(&key(1)).iter().map(|b| format!("{b:02x}")).collect();
    for (i, c) in chains.iter().enumerate() {
        let mut req = Vec::new();
        field(&mut req, b'N', NOW.to_string().as_bytes());
        field(&mut req, b'T', b"+1d");
        field(&mut req, b'G', b"acme/dist-7/dealer-3/complex-12/bldg-2");
        field(&mut req, b'D', b"panel-1");
        field(&mut req, b'R', root_hex.as_bytes());
        field(&mut req, b'F', b"a.lic");
        field(&mut req, b'B', c);
        field(&mut req, b'F', b"a.txt");
        field(&mut req, b'B', licet_common::armor::encode(c).as_bytes());
        write("web", &format!("request-{i}"), &req);
    }
    println!("seeds written to {}", out.display());
}
