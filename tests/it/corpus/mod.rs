//! The parsers against the shared corpus of real reports (`GONOGO_CORPUS`), plus the fixtures the
//! real tools wrote (tests/fixtures). The corpus tests are `#[ignore]`d: `.ci/run` runs them.

mod coverage;
mod findings;
mod junit;
