//! `gonogo publish` against local wiremock servers serving each forge's documented response
//! shapes (tests/fixtures/api): one module per forge.

mod github;
mod gitlab;
