//! The one place that knows the YAML library (serde-saphyr), so it can be swapped.
//! In: YAML text. Out: serde values, or an error with the 1-based line and column.

use serde::de::DeserializeOwned;

/// A YAML problem at a position of the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    // A handbook's YAML is small: refuse alias bombs after a few thousand replayed events
    // rather than after a million.
    budget.max_recorded_anchor_events = 20_000;
    budget.max_events = 500_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses one YAML document.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(convert)
}

/// Parses a stream of `---`-separated documents.
pub fn from_str_multiple<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, YamlError> {
    serde_saphyr::from_multiple_with_options(text, options()).map_err(convert)
}

/// Writes a value as YAML (for generated config files).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_default()
}

fn convert(e: serde_saphyr::Error) -> YamlError {
    let (line, col) = e
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let mut message = e.without_snippet().to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    if let Some(i) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(i);
    }
    YamlError {
        line: line.max(1),
        col: col.max(1),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn deep_nesting_is_refused() {
        let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
        assert!(from_str::<serde_json::Value>(&deep).is_err());
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
