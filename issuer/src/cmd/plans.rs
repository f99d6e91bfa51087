//! `licet plans`: the built-in plans and the user's.

use crate::cli::PlansArgs;
use crate::error::Result;
use std::io::Write;

pub fn run(args: &PlansArgs, out: &mut dyn Write) -> Result<u8> {
    let plans = crate::plans::load(args.plans.as_deref())?;
    for (name, p) in &plans {
        writeln!(out, "{name}: {}", p.description)?;
        let mut parts = vec![format!("tier {}", p.tier)];
        if p.addon {
            parts.push("add-on".into());
        }
        parts.push(match &p.duration {
            Some(d) => format!("valid {d}"),
            None => "no end date of its own".into(),
        });
        let q = crate::plans::quota_args(p);
        if !q.is_empty() {
            parts.push(format!("quotas {}", q.join(" ")));
        }
        parts.push(match &p.features {
            Some(f) => format!("features {}", f.join(" ")),
            None => "the parent's features".into(),
        });
        for r in crate::plans::role_args(p) {
            parts.push(format!("role {r}"));
        }
        writeln!(out, "  {}", parts.join(", "))?;
    }
    Ok(0)
}
