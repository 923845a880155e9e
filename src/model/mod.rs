//! The shared vocabulary: plain data that several layers speak, and nothing else.
//!
//! Rules name evidence ([`Need`]), checks turn evidence into a [`Measurement`], criteria compare
//! it, fetch records what it read ([`InputRecord`], [`SourceReport`]), and requests to endpoints
//! are described here as data ([`request`]) so that a check can describe a PromQL query without
//! knowing how it is sent, and fetch can send it without knowing how it is judged. Keeping these
//! types at the bottom is what lets imports run one way (see ARCHITECTURE.md): nothing in this
//! module does IO, reads the clock or prints.

mod applied;
pub mod baseline;
pub mod criteria;
mod measurement;
mod need;
mod policy;
mod provenance;
pub mod request;
pub mod units;
pub mod waiver;

pub use applied::AppliedOverride;
pub use criteria::{Criterion, Op};
pub use measurement::{
    Item, Measurement, MetricDoc, SampleJudge, Waive, file_item_key, waive_in_file,
};
pub use need::Need;
pub use policy::{
    BUILTIN_PREFIX, DEFAULT_PACK, EnvType, Level, LevelSpec, OnMissing, Stage, StageRef,
};
pub use provenance::{EvidenceMap, InputRecord, SourceReport};
pub use units::{Dur, parse_duration, parse_size};
pub use waiver::{Waiver, glob_match};
