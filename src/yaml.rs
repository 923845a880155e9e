//! The one place YAML is read: config, rule packs, answers files and Kubernetes manifests.
//!
//! We build a small spanned tree from saphyr-parser's events instead of deserialising straight
//! into structs, for two reasons: every node keeps its `line:column`, so configuration errors can
//! all be reported at once and point at the right place; and we control the hostile cases
//! ourselves (alias expansion budget, nesting depth, duplicate keys) rather than trusting a
//! deserializer to. The tree converts to `serde_json::Value` plus a span index, which serde then
//! types; see [`crate::diag`] for how errors are mapped back to positions.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Span {
    pub line: usize,
    pub column: usize,
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys keep their own node, hence their own span.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// Nodes an input may expand to, aliases included: a billion-laughs document stops here.
const MAX_NODES: usize = 2_000_000;
/// Nesting deeper than this is not configuration, it is an attack or a bug.
const MAX_DEPTH: usize = 200;

/// Parses every document of a YAML stream. An empty stream gives no documents.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            message: e.info().to_string(),
            span: Span {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
        })?;
        let at = Span {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        builder.event(event, at)?;
    }
    Ok(builder.documents)
}

/// Parses a stream expected to hold at most one document; an empty stream is `Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        0 => Ok(Node {
            kind: NodeKind::Null,
            span: Span { line: 1, column: 1 },
        }),
        1 => Ok(docs.remove(0)),
        _ => Err(YamlError {
            message: "expected a single YAML document, found several (`---`)".into(),
            span: docs[1].span,
        }),
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        span: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        span: Span,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    nodes: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let kind = resolve_scalar(&value, style, tag.as_ref().map(|t| t.suffix.as_str()));
                self.count(1, span)?;
                let node = Node { kind, span };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    message: "alias refers to an unknown anchor".into(),
                    span,
                })?;
                self.count(weight(&node), span)?;
                self.push(node)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    span,
                    anchor,
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.open(span)?;
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    span,
                    anchor,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        span,
                        anchor,
                    }) => (
                        Node {
                            kind: NodeKind::Seq(items),
                            span,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        span,
                        anchor,
                        ..
                    }) => (
                        Node {
                            kind: NodeKind::Map(entries),
                            span,
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)
            }
            Event::DocumentEnd => {
                self.anchors.clear();
                Ok(())
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {
                Ok(())
            }
        }
    }

    fn open(&mut self, span: Span) -> Result<(), YamlError> {
        self.count(1, span)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                span,
            });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                message: format!(
                    "document expands to more than {MAX_NODES} nodes (alias expansion bomb?)"
                ),
                span,
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                self.documents.push(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    *pending_key = Some(node);
                    Ok(())
                }
                Some(key) => insert_entry(entries, key, node),
            },
        }
    }
}

fn insert_entry(entries: &mut Vec<(Node, Node)>, key: Node, value: Node) -> Result<(), YamlError> {
    if matches!(&key.kind, NodeKind::Str(s) if s == "<<") {
        let sources = match value.kind {
            NodeKind::Map(_) => vec![value],
            NodeKind::Seq(items) => items,
            _ => {
                return Err(YamlError {
                    message: "merge key `<<` needs a mapping or a list of mappings".into(),
                    span: value.span,
                });
            }
        };
        for source in sources {
            if let NodeKind::Map(merged) = source.kind {
                for (k, v) in merged {
                    if !entries.iter().any(|(existing, _)| existing.kind == k.kind) {
                        entries.push((k, v));
                    }
                }
            }
        }
        return Ok(());
    }
    if let Some((existing, _)) = entries.iter().find(|(k, _)| k.kind == key.kind) {
        return Err(YamlError {
            message: format!(
                "duplicate key `{}` (first defined at line {})",
                key.as_key(),
                existing.span.line
            ),
            span: key.span,
        });
    }
    entries.push((key, value));
    Ok(())
}

fn weight(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(weight).sum::<usize>(),
        NodeKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| weight(k) + weight(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// YAML 1.2 core schema resolution of a scalar; quoted scalars are always strings.
fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&str>) -> NodeKind {
    match tag {
        Some("str") => return NodeKind::Str(value.to_string()),
        Some("null") => return NodeKind::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return NodeKind::Str(value.to_string());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeKind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeKind::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = value.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return NodeKind::Int(i);
    }
    if let Some(oct) = value.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return NodeKind::Int(i);
    }
    let numeric = value
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if numeric && value.bytes().any(|b| b.is_ascii_digit()) {
        if let Ok(i) = value.parse::<i64>() {
            return NodeKind::Int(i);
        }
        if let Ok(f) = value.parse::<f64>() {
            return NodeKind::Float(f);
        }
    }
    NodeKind::Str(value.to_string())
}

impl Node {
    /// A key as text (non-string keys are rendered, which is what users mean by them).
    pub fn as_key(&self) -> String {
        match &self.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => f.to_string(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Null => "null".into(),
            NodeKind::Seq(_) | NodeKind::Map(_) => "<complex key>".into(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_key() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to JSON, recording the span of every value and every key by JSON pointer.
    pub fn to_json(&self, spans: &mut SpanIndex) -> serde_json::Value {
        self.to_json_at(String::new(), spans)
    }

    fn to_json_at(&self, pointer: String, spans: &mut SpanIndex) -> serde_json::Value {
        use serde_json::Value as J;
        spans.values.insert(pointer.clone(), self.span);
        match &self.kind {
            NodeKind::Null => J::Null,
            NodeKind::Bool(b) => J::Bool(*b),
            NodeKind::Int(i) => J::from(*i),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            NodeKind::Str(s) => J::String(s.clone()),
            NodeKind::Seq(items) => J::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| n.to_json_at(format!("{pointer}/{i}"), spans))
                    .collect(),
            ),
            NodeKind::Map(entries) => {
                let mut map = serde_json::Map::new();
                for (k, v) in entries {
                    let key = k.as_key();
                    let child = format!("{pointer}/{}", escape_pointer(&key));
                    spans.keys.insert(child.clone(), k.span);
                    map.insert(key, v.to_json_at(child, spans));
                }
                J::Object(map)
            }
        }
    }
}

/// JSON pointer (RFC 6901) → span, for values and for map keys.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    pub values: HashMap<String, Span>,
    pub keys: HashMap<String, Span>,
}

impl SpanIndex {
    /// The span of the value at `pointer`, or of its nearest recorded ancestor.
    pub fn value(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(span) = self.values.get(p) {
                return *span;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Span { line: 1, column: 1 },
            }
        }
    }

    /// The span of the key naming `pointer`, falling back to the value's.
    pub fn key(&self, pointer: &str) -> Span {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.value(pointer))
    }
}

pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let doc = parse("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: yes\ng: 0x1F\n").unwrap();
        let mut spans = SpanIndex::default();
        let json = doc.to_json(&mut spans);
        assert_eq!(
            json,
            serde_json::json!({"a": 1, "b": "1", "c": true, "d": null, "e": 1.5, "f": "yes", "g": 31})
        );
        assert_eq!(spans.keys["/e"], Span { line: 5, column: 1 });
        assert_eq!(spans.values["/e"], Span { line: 5, column: 4 });
    }

    #[test]
    fn duplicate_keys_are_errors_with_both_places() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.span.line, 3);
        assert!(
            err.message.contains("first defined at line 1"),
            "{}",
            err.message
        );
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias expansion"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }

    #[test]
    fn merge_keys_and_multi_documents() {
        let docs = parse_documents("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n---\nz: 3\n").unwrap();
        assert_eq!(docs.len(), 2);
        let mut spans = SpanIndex::default();
        assert_eq!(
            docs[0].to_json(&mut spans)["use"],
            serde_json::json!({"x": 1, "y": 2})
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.span.line >= 1);
        assert!(!err.message.is_empty());
    }
}
