//! JSON data files, read as strictly as YAML ones: a key written twice in one object is an
//! error at its line (serde_json alone keeps the last one without a word), and so is nesting
//! deeper than YAML's 64 levels (serde_json's own limit is 128, in its words).

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `text`; errors carry serde_json's line and column.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let Strict(value) = Strict::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The deepest nesting of lists and objects, as for YAML data files.
const MAX_DEPTH: usize = 64;

/// A JSON value whose objects refuse duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Level(0).deserialize(d).map(Strict)
    }
}

/// A value inside `.0` lists or objects.
struct Level(usize);

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor { depth: self.0 })
    }
}

struct StrictVisitor {
    depth: usize,
}

impl StrictVisitor {
    /// The level of the values inside this list or object; an error past `MAX_DEPTH`.
    fn inner<E: de::Error>(&self) -> Result<Level, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(format!(
                "nested too deeply (more than {MAX_DEPTH} levels)"
            )));
        }
        Ok(Level(self.depth + 1))
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.inner()?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Level(inner.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let inner = self.inner()?;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key \"{key}\" is written twice in one object; keep one"
                )));
            }
            let value = access.next_value_seed(Level(inner.0))?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_out_as_serde_json_reads_them() {
        let text = r#"{"a": [1, -2, 2.5, true, null, "x"], "b": {"c": {}}}"#;
        assert_eq!(
            parse(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn a_key_written_twice_is_an_error_at_its_line() {
        let e = parse("{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
        assert_eq!(e.line(), 3, "{e}");
        assert!(e.to_string().contains("\"a\" is written twice"), "{e}");
        // The same key in two objects is fine.
        assert!(parse(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn nesting_is_refused_past_exactly_64_levels() {
        let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&nested(64)).is_ok());
        let e = parse(&nested(65)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("nested too deeply (more than 64 levels)"),
            "{e}"
        );
        assert_eq!((e.line(), e.column()), (1, 65), "{e}");
        // Objects are levels too, and serde_json's own limit never speaks first.
        let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert!(parse(&objects(64)).is_ok());
        assert!(parse(&objects(65)).is_err());
        let e = parse(&nested(200)).unwrap_err();
        assert!(e.to_string().starts_with("nested too deeply"), "{e}");
    }

    #[test]
    fn trailing_text_is_an_error() {
        assert!(parse("{} {}").is_err());
    }
}
