//! gonogo: a go/no-go gate for CI/CD pipelines.
//!
//! The flow is one straight line (see `ARCHITECTURE.md` of the project's design notes):
//! config → plan → fetch (the only IO) → evaluate (pure) → verdict → reporters → exit code.

pub mod evidence;
pub mod parse;
