//! The values a person gives beside the files: the group a panel belongs
//! to, and its device id. Read once here for the CLI's flags, batch cells,
//! the bindings and the web inspector.

use crate::Refused;
use crate::text::safe;
use licet_common::Group;
use licet_common::claims::is_device_id;

/// What a group id looks like, for people.
pub const GROUP_HINT: &str =
    "a group id looks like acme/dist-7/dealer-3: lowercase segments separated by /";

/// What a device id looks like, for people.
pub const DEVICE_ID_HINT: &str = "device ids are 1-64 printable ASCII characters without spaces";

/// A group id; `flag` names where it was given, with its separator
/// (`"--group "`, `"group "`).
pub fn parse_group<'g>(flag: &str, value: &'g str) -> Result<Group<'g>, Refused> {
    Group::parse(value).map_err(|e| Refused::new(format!("{flag}{}: {e}", safe(value)), GROUP_HINT))
}

/// A device id, wherever one is given (`--device`, a batch cell,
/// `--device-id`, the bindings, the web inspector); `flag` names where.
pub fn parse_device_id<'d>(flag: &str, d: &'d str) -> Result<&'d str, Refused> {
    if is_device_id(d) {
        Ok(d)
    } else {
        Err(Refused::new(
            format!("{flag} {}: invalid device id", safe(d)),
            DEVICE_ID_HINT,
        ))
    }
}

/// A device holds at most [`licet_verifier::MAX_LICENSES`] licenses: more
/// files than that are refused before anything is read.
pub fn at_most_a_device(count: usize) -> Result<(), Refused> {
    let max = licet_verifier::MAX_LICENSES;
    if count > max {
        return Err(Refused::new(
            format!("{count} license files given; a device holds at most {max}"),
            format!("pass at most {max} files"),
        ));
    }
    Ok(())
}
