//! What became of each waiver in one evaluation: applied, unused or expired, and how often.
//!
//! Expired waivers stop applying and are reported; so are unused ones, and those about to expire.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::model::Waiver;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    Applied,
    Unused,
    Expired,
}

/// What became of a waiver in one evaluation. It reads back from a JSON verdict through
/// [`WaiverStatusWire`], because a configured [`Waiver`] never deserialises its `origin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "WaiverStatusWire")]
pub struct WaiverStatus {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub state: WaiverState,
    /// Items or outcomes it covered.
    pub uses: u64,
    pub days_left: i32,
    pub expiring_soon: bool,
}

/// The JSON form of a [`WaiverStatus`], `origin` included.
#[derive(Deserialize)]
struct WaiverStatusWire {
    rule: String,
    #[serde(rename = "match", default)]
    pattern: Option<String>,
    reason: String,
    expires: Date,
    #[serde(default)]
    ticket: Option<String>,
    #[serde(default)]
    origin: String,
    state: WaiverState,
    uses: u64,
    days_left: i32,
    expiring_soon: bool,
}

impl From<WaiverStatusWire> for WaiverStatus {
    fn from(w: WaiverStatusWire) -> Self {
        WaiverStatus {
            waiver: Waiver {
                rule: w.rule,
                pattern: w.pattern,
                reason: w.reason,
                expires: w.expires,
                ticket: w.ticket,
                origin: w.origin,
            },
            state: w.state,
            uses: w.uses,
            days_left: w.days_left,
            expiring_soon: w.expiring_soon,
        }
    }
}
