//! Durations and sizes as users write them (`30s`, `24h`, `7d`; `64MiB`), parsed once, where
//! they are read, so nothing downstream re-parses text or drops a parse error.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses `500ms`, `30s`, `15m`, `24h`, `7d`, `2w`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (num, unit) = s.split_at(digits);
    let n: u64 = num.parse().map_err(|_| {
        format!("`{s}` is not a duration: write a number and a unit, e.g. `30s`, `24h`, `7d`")
    })?;
    let secs = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(n)),
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        "w" => n.checked_mul(604_800),
        other => {
            return Err(format!(
                "`{s}`: unknown duration unit `{other}` (use ms, s, m, h, d or w)"
            ));
        }
    };
    secs.map(Duration::from_secs)
        .ok_or_else(|| format!("`{s}` is too long a duration"))
}

/// Parses `512`, `64KiB`, `16MiB`, `2GiB` (also `kB`/`MB`/`GB` as powers of 1000) into bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (num, unit) = s.split_at(digits);
    let n: u64 = num.parse().map_err(|_| {
        format!("`{s}` is not a size: write a number and a unit, e.g. `16MiB`, `1GiB`")
    })?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(format!(
                "`{s}`: unknown size unit `{other}` (use B, KiB, MiB, GiB, kB, MB or GB)"
            ));
        }
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("`{s}` is too large a size"))
}

/// A duration written in a file: the parsed value, and the text as written, for messages and
/// for canonical request JSON (equal text, equal request, fetched once).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Dur {
    text: String,
    value: Duration,
}

impl Dur {
    pub fn parse(text: &str) -> Result<Dur, String> {
        Ok(Dur {
            value: parse_duration(text)?,
            text: text.trim().to_string(),
        })
    }

    pub fn get(&self) -> Duration {
        self.value
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dur, D::Error> {
        let text = String::deserialize(d)?;
        Dur::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Dur {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^\\s*[0-9]+\\s*(ms|s|m|h|d|w)\\s*$",
            "description": "A duration: a number and a unit (ms, s, m, h, d, w), e.g. `30s`, `24h`, `7d`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("7 days").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("99999999999999999999w").is_err());
        assert!(parse_duration("9999999999999999w").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MiB").unwrap(), 16 << 20);
        assert_eq!(parse_size("512").unwrap(), 512);
        assert_eq!(parse_size("2GB").unwrap(), 2_000_000_000);
        assert!(parse_size("16 megs").is_err());
        assert!(parse_size("99999999999GiB").is_err());
    }

    #[test]
    fn dur_keeps_its_text_and_refuses_nonsense() {
        let d: Dur = serde_json::from_str("\"24h\"").unwrap();
        assert_eq!(d.get(), Duration::from_secs(86_400));
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"24h\"");
        let e = serde_json::from_str::<Dur>("\"soon\"").unwrap_err();
        assert!(e.to_string().contains("not a duration"), "{e}");
    }
}
