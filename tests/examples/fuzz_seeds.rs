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
    println!("seeds written to {}", out.display());
}
