//! Words in French or English: the one place gonogo chooses them.
//!
//! Messages live in Project Fluent files (`en.ftl`, `fr.ftl` beside this file), embedded at build
//! time, so a translator edits text, not Rust, and plural forms follow each language's rules
//! (`{ $n -> [one] … *[other] … }`). A test holds the two files to the same message ids with the
//! same variables. Machine output (the JSON verdict, dotenv, SARIF) keeps language-neutral ids
//! and codes; only text meant for people goes through here.
//!
//! Choices worth knowing:
//! - Bundles are built once per language (`concurrent::FluentBundle`, shareable across threads)
//!   with Unicode isolation marks **off**: Fluent wraps every placeable in U+2068/U+2069 by
//!   default, which terminals, CI logs and `grep` show as stray bytes.
//! - A message missing from the French file falls back to the English one, and an id missing
//!   from both renders as the id itself: a gap in a translation never loses a report.
//! - Reporters are pure and are handed the language ([`crate::report::Options`]); configuration
//!   errors, created deep in loading, read the process's language ([`process_lang`]), which
//!   `app` sets once from `--lang` or the locale, and which stays English in tests.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

pub use fluent_bundle::FluentValue;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// The English messages (the reference: every id is defined here first).
pub const EN_FTL: &str = include_str!("en.ftl");
/// The French messages.
pub const FR_FTL: &str = include_str!("fr.ftl");

/// A language gonogo speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: &[Lang] = &[Lang::En, Lang::Fr];

    /// The BCP 47 code: `en`, `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// `fr`, `fr_FR.UTF-8`, `fr-CA`, `FR` → French; `en…`, `C`, `POSIX` → English; anything else
    /// is not a language gonogo speaks.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let lower = tag.trim().to_ascii_lowercase();
        let primary = lower.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match primary {
            "fr" => Some(Lang::Fr),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the locale, as POSIX resolves message catalogues: the first non-empty
    /// of `LC_ALL`, `LC_MESSAGES`, `LANG`. A locale in another language is English (the
    /// reference), as is no locale at all.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| var(k))
            .find(|v| !v.trim().is_empty())
            .and_then(|v| Lang::from_tag(&v))
            .unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => EN_FTL,
            Lang::Fr => FR_FTL,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            _ => Err(format!("unknown language `{s}` (known: en, fr)")),
        }
    }
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    };
    cell.get_or_init(|| build(lang))
}

/// The bundle of `lang`. The .ftl files are part of the binary and tested to parse, so a
/// syntax error there is a bug caught by `cargo test`, not a user's problem: the entries that
/// parsed are kept either way.
fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message `id` in `lang` with its variables. Falls back to English, then to the id.
pub fn tr(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    for l in [lang, Lang::En] {
        let b = bundle(l);
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned();
        }
    }
    id.to_string()
}

/// `t!(lang, "id")`, `t!(lang, "id", count = 3, name = "x")`: [`tr`] with named variables.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:expr) => {
        $crate::i18n::tr($lang, $id, &[])
    };
    ($lang:expr, $id:expr, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::tr(
            $lang,
            $id,
            &[$((stringify!($k), $crate::i18n::FluentValue::from($v))),+],
        )
    };
}

static PROCESS_LANG: AtomicU8 = AtomicU8::new(0);

/// Sets the language of messages made outside reporters (configuration errors). `app` calls it
/// once, before loading anything.
pub fn set_process_lang(lang: Lang) {
    PROCESS_LANG.store(lang as u8, Ordering::Relaxed);
}

/// The language set by [`set_process_lang`]; English until then (and in tests).
pub fn process_lang() -> Lang {
    match PROCESS_LANG.load(Ordering::Relaxed) {
        1 => Lang::Fr,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests;
