//! Virtual time: `SimTime` (milliseconds since the cluster started) and wall-clock text for it.
//!
//! Nothing here reads a real clock. The cluster's epoch (the wall-clock moment of `SimTime(0)`)
//! comes from the profile, so creationTimestamps look real and stay reproducible.

use std::fmt;

/// Milliseconds of virtual time since the cluster started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub fn ms(self) -> u64 {
        self.0
    }
    pub fn plus_ms(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }
    pub fn secs(self) -> u64 {
        self.0 / 1000
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

pub use crate::support::gotime::{parse_rfc3339, rfc3339};
