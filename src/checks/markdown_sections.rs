//! `markdown-sections`: a document of the early stages (the project plan) has the required
//! sections, each with real content under its heading, not a placeholder.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::CheckKind;
use super::filled::{document, is_placeholder};
use crate::evidence::{Evidence, Location, Missing};
use crate::model::{Item, Measurement, Need, Waive, file_item_key, waive_in_file};

pub const SUMMARY: &str = "Required sections of a Markdown document are filled.";

pub use super::filled::{DEFAULT_EXPECT, METRICS};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSectionsCheck {
    /// The Markdown file, relative to the project root.
    pub file: String,
    /// Headings that must exist with content under them (case- and accent-insensitive; a
    /// heading containing the text matches). A list gives alternatives for one section, e.g.
    /// its French and English titles: `[Contexte métier de la demande, Business context]`.
    pub sections: Vec<Section>,
}

/// One required section: a heading, or alternatives any of which will do.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Section {
    One(String),
    AnyOf(Vec<String>),
}

impl Section {
    fn names(&self) -> Vec<&str> {
        match self {
            Section::One(s) => vec![s.as_str()],
            Section::AnyOf(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// What a waiver's `match` names: the first title.
    fn key(&self) -> String {
        self.names()
            .first()
            .map_or_else(String::new, |s| s.to_string())
    }
}

/// Lower case without accents, apostrophes straightened: `Préparation de l’équipe` matches
/// `preparation de l'equipe`.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// Headings with their level, line and whether real content follows before the next heading of
/// the same or a higher level.
fn sections(text: &str) -> Vec<(usize, String, usize, bool)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut headings = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let level = t.bytes().take_while(|b| *b == b'#').count();
        if (1..=6).contains(&level) && t[level..].starts_with(' ') {
            headings.push((
                i,
                level,
                t[level..].trim().trim_end_matches('#').trim().to_string(),
            ));
        }
    }
    for (idx, (line, level, title)) in headings.iter().enumerate() {
        let end = headings[idx + 1..]
            .iter()
            .find(|(_, l, _)| l <= level)
            .map_or(lines.len(), |(l, _, _)| *l);
        let mut in_comment = false;
        let filled = lines[line + 1..end].iter().any(|l| {
            let t = l.trim();
            if t.starts_with("<!--") {
                in_comment = !t.contains("-->");
                return false;
            }
            if in_comment {
                in_comment = !t.contains("-->");
                return false;
            }
            !t.starts_with('#') && !is_placeholder(t.trim_start_matches(['-', '*', '>', ' ']))
        });
        out.push((*level, title.clone(), line + 1, filled));
    }
    out
}

impl CheckKind for MarkdownSectionsCheck {
    fn need(&self) -> Need {
        Need::Document(self.file.clone())
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let doc = document(&self.need(), evidence)?;
        let found = sections(&doc.text);
        let mut m = Measurement::default();
        let (mut missing, mut present) = (0u64, 0u64);
        for section in &self.sections {
            let names = section.names();
            let wanted = names.join(" / ");
            let hits: Vec<_> = found
                .iter()
                .filter(|(_, title, _, _)| {
                    let t = fold(title);
                    names.iter().any(|w| t.contains(&fold(w)))
                })
                .collect();
            let hit = hits.iter().find(|h| h.3).or(hits.first()).copied();
            match hit {
                Some((_, _, _, true)) => present += 1,
                _ if waive_in_file(waive, &doc.path, &section.key()) => m.waived_items += 1,
                Some((_, title, line, false)) => {
                    missing += 1;
                    m.items.push(Item {
                        key: file_item_key(&doc.path, &section.key()),
                        text: format!("section \"{title}\" is empty / section vide"),
                        location: Some(Location {
                            path: doc.path.clone(),
                            line: Some(*line as u64),
                        }),
                    });
                }
                None => {
                    missing += 1;
                    m.items.push(Item {
                        key: file_item_key(&doc.path, &section.key()),
                        text: format!("no section \"{wanted}\" / section absente"),
                        location: Some(Location {
                            path: doc.path.clone(),
                            line: None,
                        }),
                    });
                }
            }
        }
        m.set("missing", missing);
        m.set("invalid", 0u64);
        m.set("present", present);
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Document;

    fn doc(path: &str, text: &str) -> Evidence {
        Evidence::Document(Document {
            path: path.into(),
            text: text.into(),
            binary: false,
        })
    }

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn markdown_sections_need_content() {
        let check = MarkdownSectionsCheck {
            file: "PLAN.md".into(),
            sections: vec![
                Section::One("Business context".into()),
                Section::One("Team".into()),
                Section::One("Architecture".into()),
            ],
        };
        let text = "# Plan\n## Business context\nWe sell cheese.\n## Team\n<!-- fill me -->\nTODO\n### Skills\n## Other\n```\n## Architecture\n```\n";
        let m = check.measure(&doc("PLAN.md", text), &mut never).unwrap();
        assert_eq!(m.metrics["present"], 1.0.into());
        assert_eq!(m.metrics["missing"], 2.0.into(), "{:?}", m.items);
    }

    #[test]
    fn french_or_english_titles_for_one_section() {
        let check: MarkdownSectionsCheck = serde_json::from_value(serde_json::json!({
            "file": "plan.md",
            "sections": [["Contexte métier de la demande", "Business context"],
                         ["Préparation de l'équipe", "Team"], "Annexes"]
        }))
        .unwrap();
        let fr = "# Plan\n## Contexte metier de la demande\nGestion des titres.\n## Préparation de l’équipe\nTrois personnes.\n## Annexes\nRien.\n";
        let m = check.measure(&doc("plan.md", fr), &mut never).unwrap();
        assert_eq!(m.metrics["present"], 3.0.into(), "{:?}", m.items);
        let en = "## Business context\nx\n## Team\n\n## Team readiness\nready\n";
        let m = check.measure(&doc("plan.md", en), &mut never).unwrap();
        assert_eq!(
            m.metrics["present"],
            2.0.into(),
            "a filled match wins over an empty one: {:?}",
            m.items
        );
        assert_eq!(m.items[0].text, "no section \"Annexes\" / section absente");
        let m = check
            .measure(&doc("plan.md", "# x\n"), &mut |k| {
                k == "Contexte métier de la demande"
            })
            .unwrap();
        assert_eq!(m.waived_items, 1, "a waiver names the first title");
    }
}
