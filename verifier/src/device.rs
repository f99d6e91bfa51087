//! What the verifier is given besides the license: trusted roots, the device.

use crate::Error;
use ed25519_dalek::VerifyingKey;
use licet_common::Group;
use licet_common::kid::{KID_LEN, kid};

/// A trusted root key: an Ed25519 public key and its key id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedRoot {
    key: VerifyingKey,
    kid: [u8; KID_LEN],
}

impl TrustedRoot {
    /// A trusted root from its 32-byte Ed25519 public key. Rejects invalid
    /// and small-order (weak) keys.
    pub fn from_bytes(public_key: &[u8; 32]) -> Result<Self, Error<'static>> {
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| Error::InvalidRootKey)?;
        if key.is_weak() {
            return Err(Error::InvalidRootKey);
        }
        Ok(Self {
            key,
            kid: kid(public_key),
        })
    }

    /// The root's key id.
    pub fn kid(&self) -> &[u8; KID_LEN] {
        &self.kid
    }

    pub(crate) fn key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// The device a license is checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device<'a> {
    /// The device's group (e.g. its building).
    pub group: Group<'a>,
    /// The device's own id, for device-bound licenses.
    pub device_id: Option<&'a str>,
    /// The time, UNIX seconds.
    pub now: u64,
}

impl<'a> Device<'a> {
    /// A device in `group` at time `now`, without a device id. Fails when
    /// `group` is not a valid group id.
    pub fn new(group: &'a str, now: u64) -> Result<Self, licet_common::group::GroupError> {
        Ok(Self {
            group: Group::parse(group)?,
            device_id: None,
            now,
        })
    }

    /// The same device, with a device id.
    pub fn with_device_id(self, device_id: &'a str) -> Self {
        Self {
            device_id: Some(device_id),
            ..self
        }
    }

    /// The same device at another time.
    pub fn at(self, now: u64) -> Self {
        Self { now, ..self }
    }
}
