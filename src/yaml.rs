//! The one place that knows the YAML library (serde-saphyr), so it can be swapped.
//! In: YAML text. Out: serde values, or an error with the 1-based line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Span};

/// A YAML problem at a position of the parsed text: 1-based line and column, and the width
/// of what the parser points at.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub len: usize,
    pub message: String,
}

impl YamlError {
    /// The error in `path`, whose `text` holds the parsed YAML from line `first_line` on (1
    /// for a whole file; the line after `---` for front matter).
    pub fn in_file(self, path: &Path, text: &str, first_line: usize) -> Error {
        let span = Span::new(path, self.line + first_line - 1, self.col).with_len(self.len);
        Error::located(span, text, self.message)
    }
}

/// The parser's limits for a text of `len` bytes. Values and events are bounded by the text
/// itself (a value takes a few bytes), so a data file of up to 10 MB (the limit `load` sets)
/// always fits; what aliases could multiply is bounded separately and tightly.
fn options(len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    // A handbook's YAML is small: refuse alias bombs after a few thousand replayed events
    // rather than after a million.
    budget.max_recorded_anchor_events = 20_000;
    budget.max_events = (2 * len).max(500_000);
    budget.max_nodes = len.max(250_000);
    budget.max_documents = (len / 4).max(1_024);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // A handbook never replays more than a few thousand events through aliases; alias bombs
    // replay billions. Stop them early rather than after seconds of work.
    options.alias_limits.max_total_replayed_events = 10_000;
    options
}

/// Parses one YAML document.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options(text.len())).map_err(convert)
}

/// Parses a stream of `---`-separated documents.
pub fn from_str_multiple<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, YamlError> {
    serde_saphyr::from_multiple_with_options(text, options(text.len())).map_err(convert)
}

/// Writes a value as YAML (for generated config files).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_default()
}

/// The YAML and serde messages that speak the library's language, said as an author would
/// understand them; others are kept.
fn in_our_words(message: String) -> String {
    let said = |s: &str| s.to_string();
    if let Some(budget) = message.strip_prefix("budget breached: ") {
        return if budget.starts_with("Depth") {
            said("nested too deeply (more than 64 levels)")
        } else if budget.starts_with("Events") || budget.starts_with("Nodes") {
            said("too many values for one file; split it into several files")
        } else {
            said("too large or too complex for one file; split it into several files")
        };
    }
    if let Some(rest) = message.strip_prefix("non-finite float ") {
        let value = rest.split(' ').next().unwrap_or(".nan");
        return format!("{value} is not a number; write a number like 3 or 0.5");
    }
    if message.starts_with("recursive references") {
        return said("an alias (`*name`) refers to the value it is part of; write the values out");
    }
    for (serde, ours) in [
        ("invalid u64", "expected a whole number of 0 or more"),
        ("invalid u32", "expected a whole number of 0 or more"),
        ("invalid usize", "expected a whole number of 0 or more"),
        ("invalid i64", "expected a whole number"),
        ("invalid i32", "expected a whole number"),
        ("invalid f64", "expected a number"),
        ("invalid bool", "expected true or false"),
        ("expected string scalar", "expected text"),
        (
            "expected sequence start",
            "expected a list (`[a, b]` or `- a` lines)",
        ),
        (
            "expected mapping start",
            "expected a mapping (`key: value` lines)",
        ),
    ] {
        if message.starts_with(serde) {
            return said(ours);
        }
    }
    message
}

fn convert(e: serde_saphyr::Error) -> YamlError {
    let (line, col, len) = e.location().map_or((1, 1, 1), |l| {
        (
            l.line() as usize,
            l.column() as usize,
            l.span().len() as usize,
        )
    });
    let mut message = e.without_snippet().to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    message = in_our_words(message);
    if message.starts_with("recursion limit exceeded") || message.contains("nesting") {
        message = "nested too deeply (more than 64 levels)".into();
    }
    if message.starts_with("alias replay limit exceeded") {
        message = "aliases expand to too much data (an alias bomb?); write the values out".into();
    }
    if let Some(i) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(i);
    }
    YamlError {
        line: line.max(1),
        col: col.max(1),
        len: len.max(1),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_data_file_is_within_the_limits() {
        // 300,000 values in 1.2 MB: more than the parser's default node budget (250,000).
        let text = "- 1\n".repeat(300_000);
        let list: Vec<u32> = from_str(&text).unwrap();
        assert_eq!(list.len(), 300_000);
    }

    #[test]
    fn library_messages_are_said_in_our_words() {
        let e =
            from_str::<std::collections::BTreeMap<String, u64>>("paginate: \"ten\"\n").unwrap_err();
        assert_eq!(e.message, "expected a whole number of 0 or more");
        let deep = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
        let e = from_str::<serde_json::Value>(&deep).unwrap_err();
        assert_eq!(e.message, "nested too deeply (more than 64 levels)");
        let e =
            from_str::<std::collections::BTreeMap<String, String>>("title: [a, b]\n").unwrap_err();
        assert_eq!(e.message, "expected text");
        let e =
            from_str::<std::collections::BTreeMap<String, Vec<u8>>>("tags: {a: 1}\n").unwrap_err();
        assert!(e.message.starts_with("expected a list"), "{e:?}");
        let e = nodes("a: &x\n  b: *x\n").unwrap_err();
        assert!(
            e.message.starts_with("an alias (`*name`) refers to"),
            "{e:?}"
        );
    }

    #[test]
    fn errors_carry_position_and_a_plain_message() {
        let e = from_str::<serde_json::Value>("title: a\nb: [1, 2\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 4));
        assert_eq!(e.message, "unclosed bracket '['");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = from_str::<serde_json::Value>("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.starts_with("duplicate mapping key: a"),
            "{}",
            e.message
        );
    }

    #[test]
    fn nesting_is_refused_past_exactly_64_levels() {
        let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        for n in [1, 63, 64] {
            assert!(
                from_str::<serde_json::Value>(&nested(n)).is_ok(),
                "{n} levels"
            );
        }
        for n in [65, 500] {
            let e = from_str::<serde_json::Value>(&nested(n)).unwrap_err();
            assert_eq!(
                e.message, "nested too deeply (more than 64 levels)",
                "{n} levels"
            );
        }
        // A mapping is a level too: 63 lists in a mapping are 64 levels.
        let in_map = |n: usize| format!("a: {}", nested(n));
        assert!(from_str::<serde_json::Value>(&in_map(63)).is_ok());
        assert!(from_str::<serde_json::Value>(&in_map(64)).is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] {
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        let e = from_str::<serde_json::Value>(&bomb).unwrap_err();
        assert!(
            e.message.contains("budget") || e.message.contains("alias"),
            "{}",
            e.message
        );
    }
}

/// A YAML value with the 1-based line and column where it starts, for checks that must point
/// at the exact key or value that is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub col: usize,
    /// How many characters the parser says the node covers (for a caret as wide as a key).
    pub len: usize,
    pub value: NodeValue,
}

/// The shape of a [`Node`]. Mapping keys keep their own positions.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What kind of value this is, in words for error messages: "a list", "text", …
    pub fn shape(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "nothing",
            NodeValue::Bool(_) => "true/false",
            NodeValue::Int(_) | NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "text",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The same value without positions.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => Value::from(*f),
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A mapping key as text (`1: x` has the key `"1"`).
    pub fn key_text(&self) -> String {
        match &self.value {
            NodeValue::Str(s) => s.clone(),
            NodeValue::Int(i) => i.to_string(),
            NodeValue::Float(f) => f.to_string(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Null => "null".into(),
            NodeValue::Seq(_) | NodeValue::Map(_) => String::new(),
        }
    }

    /// The entry of a mapping with the key `key`.
    pub fn get(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.key_text() == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Moves every position down by `lines` (a front matter block starting inside a file).
    pub fn shift(&mut self, lines: usize) {
        self.line += lines;
        match &mut self.value {
            NodeValue::Seq(items) => items.iter_mut().for_each(|n| n.shift(lines)),
            NodeValue::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift(lines);
                v.shift(lines);
            }),
            _ => {}
        }
    }
}

struct RawNode(NodeValue);

impl<'de> serde::Deserialize<'de> for RawNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

fn located(s: serde_saphyr::Spanned<RawNode>) -> Node {
    Node {
        line: (s.referenced.line() as usize).max(1),
        col: (s.referenced.column() as usize).max(1),
        len: (s.referenced.span().len() as usize).max(1),
        value: s.value.0,
    }
}

struct RawVisitor;

impl<'de> serde::de::Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Null))
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Null))
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        serde::Deserialize::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode(match i64::try_from(v) {
            Ok(i) => NodeValue::Int(i),
            Err(_) => NodeValue::Float(v as f64),
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Str(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode(NodeValue::Str(v)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_saphyr::Spanned<RawNode>>()? {
            items.push(located(item));
        }
        Ok(RawNode(NodeValue::Seq(items)))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<RawNode>>()? {
            let value = map.next_value::<serde_saphyr::Spanned<RawNode>>()?;
            entries.push((located(key), located(value)));
        }
        Ok(RawNode(NodeValue::Map(entries)))
    }
}

/// Parses a stream of `---`-separated documents into located nodes.
pub fn nodes(text: &str) -> Result<Vec<Node>, YamlError> {
    let docs: Vec<serde_saphyr::Spanned<RawNode>> =
        serde_saphyr::from_multiple_with_options(text, options(text.len())).map_err(convert)?;
    Ok(docs.into_iter().map(located).collect())
}

#[cfg(test)]
mod node_tests {
    use super::*;

    #[test]
    fn nodes_know_where_keys_and_values_are() {
        let docs = nodes("- title: A\n  role: scrum-mastr\n  tags: [x, y]\n").unwrap();
        assert_eq!(docs.len(), 1);
        let NodeValue::Seq(items) = &docs[0].value else {
            panic!("{docs:?}")
        };
        let (k, v) = items[0].get("role").unwrap();
        assert_eq!((k.line, k.col), (2, 3));
        assert_eq!((v.line, v.col), (2, 9));
        let (_, tags) = items[0].get("tags").unwrap();
        let NodeValue::Seq(t) = &tags.value else {
            panic!()
        };
        assert_eq!((t[1].line, t[1].col), (3, 13));
        assert_eq!((items[0].line, items[0].col), (1, 3));
    }

    #[test]
    fn several_documents_are_several_nodes() {
        let docs = nodes("title: A\n---\ntitle: B\n").unwrap();
        assert_eq!(docs.len(), 2);
        let (k, _) = docs[1].get("title").unwrap();
        assert_eq!((k.line, k.col), (3, 1));
    }
}
