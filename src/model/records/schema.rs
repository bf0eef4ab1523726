//! The JSON Schema (draft 2020-12) of each record kind, for `teambook schema` and editors.

use serde_json::{Map, Value};

use super::kinds::{Field, FieldType, Kind};

fn field_schema(field: &Field) -> Value {
    let text = || serde_json::json!({"type": "string"});
    let mut s = match field.ty {
        FieldType::Text => text(),
        FieldType::Int(min, max) => {
            let mut s = serde_json::json!({"type": "integer"});
            if min != i64::MIN {
                s["minimum"] = Value::from(min);
            }
            if max != i64::MAX {
                s["maximum"] = Value::from(max);
            }
            s
        }
        FieldType::TextList => serde_json::json!({"type": "array", "items": text()}),
        FieldType::TextMap => {
            serde_json::json!({"type": "object", "additionalProperties": text()})
        }
        FieldType::Groups => serde_json::json!({
            "type": "object",
            "additionalProperties": {"type": "array", "items": text()}
        }),
        FieldType::Ref(to) => {
            serde_json::json!({"type": "string", "description": format!("id of a {to}")})
        }
        FieldType::RefList(to) => serde_json::json!({
            "type": "array",
            "items": {"type": "string", "description": format!("id of a {to}")}
        }),
        FieldType::Raci => serde_json::json!({
            "type": "object",
            "additionalProperties": {"enum": ["R", "A", "C", "I", "r", "a", "c", "i"]}
        }),
        FieldType::Number => serde_json::json!({"type": "number", "minimum": 0}),
        FieldType::Date => serde_json::json!({"type": "string", "format": "date"}),
        FieldType::Choice(words) => serde_json::json!({"enum": words}),
        FieldType::Any => serde_json::json!({}),
    };
    if s.get("description").is_none() {
        s["description"] = Value::from(field.doc);
    }
    s
}

/// A JSON Schema (draft 2020-12) for a data file of `kind`: one record or a list of them.
pub fn json_schema(kind: &Kind) -> Value {
    let properties: Map<String, Value> = kind
        .all_fields()
        .map(|f| (f.name.to_string(), field_schema(f)))
        .collect();
    let required: Vec<&str> = kind
        .all_fields()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("teambook {} records (data/{}.yaml)", kind.name, kind.collection),
        "$defs": {
            "record": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false
            }
        },
        "oneOf": [
            {"$ref": "#/$defs/record"},
            {"type": "array", "items": {"$ref": "#/$defs/record"}}
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::kind;

    #[test]
    fn schema_lists_fields_required_and_bounds() {
        let s = json_schema(kind("factor").unwrap());
        let rec = &s["$defs"]["record"];
        assert_eq!(
            rec["required"],
            serde_json::json!(["title", "number", "principle"])
        );
        assert_eq!(rec["properties"]["number"]["minimum"], 1);
        assert_eq!(rec["properties"]["number"]["maximum"], 12);
        assert_eq!(rec["additionalProperties"], false);
        let raci = json_schema(kind("team").unwrap());
        assert_eq!(
            raci["$defs"]["record"]["properties"]["responsibilities"]["additionalProperties"]["enum"]
                [0],
            "R"
        );
    }
}
