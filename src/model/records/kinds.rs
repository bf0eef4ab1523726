//! The record kinds and their fields: what each kind holds, drives validation, the JSON Schema
//! and the archetypes of `teambook new`.

use crate::error::hint;
use crate::model::records::values::{GOAL_FIELDS, PBI_FIELDS, SPRINT_FIELDS};

/// What a field holds; drives both validation and the JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    Text,
    /// A whole number in `min..=max`.
    Int(i64, i64),
    TextList,
    /// A map of name → text (a role's aspects).
    TextMap,
    /// A map of group name → list of text (a role's grouped responsibilities).
    Groups,
    /// The id of a record of this kind.
    Ref(&'static str),
    /// A list of ids of records of this kind.
    RefList(&'static str),
    /// A map of responsibility → one of `R`, `A`, `C`, `I`.
    Raci,
    /// A number, whole or not, at least 0 (story points).
    Number,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// Any YAML structure; its kind's own checks look inside (sprint items, review, retro).
    Any,
}

/// One field of a kind's schema.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub doc: &'static str,
}

const fn f(name: &'static str, ty: FieldType, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        doc,
    }
}

/// A record kind: its name, its collection (folder name under `data/` and URL segment), fields.
#[derive(Debug)]
pub struct Kind {
    pub name: &'static str,
    pub collection: &'static str,
    /// Title of the collection's list page when no content section provides one.
    pub title: &'static str,
    pub fields: &'static [Field],
}

/// Fields every kind has.
pub const COMMON: &[Field] = &[
    f("title", FieldType::Text, true, "Display name"),
    f(
        "slug",
        FieldType::Text,
        false,
        "Id and last URL segment; defaults to the title (data files) or file name (pages)",
    ),
    f(
        "weight",
        FieldType::Int(i64::MIN, i64::MAX),
        false,
        "Order in the collection (then title)",
    ),
    f(
        "body",
        FieldType::Text,
        false,
        "Markdown prose of a data-file record (a page's body is its prose)",
    ),
];

/// The kind registry. Adding a kind is adding a serde type below and an entry here.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "role",
        collection: "roles",
        title: "Roles",
        fields: &[
            f("summary", FieldType::Text, true, "The role in one sentence"),
            f("focus", FieldType::Text, false, "`how` or `what & why`"),
            f(
                "responsibilities",
                FieldType::Groups,
                false,
                "Grouped lists: group name → items",
            ),
            f(
                "aspects",
                FieldType::TextMap,
                false,
                "Aspect → text; the rows of the comparison table",
            ),
            f(
                "metrics",
                FieldType::TextList,
                false,
                "What the role watches",
            ),
            f("skills", FieldType::TextList, false, "What the role needs"),
            f(
                "ask_about",
                FieldType::TextList,
                false,
                "What to ask this role about; shown on its page and beside other roles",
            ),
        ],
    },
    Kind {
        name: "antipattern",
        collection: "antipatterns",
        title: "Anti-patterns",
        fields: &[
            f(
                "role",
                FieldType::Ref("role"),
                true,
                "The role that falls into it",
            ),
            f("problem", FieldType::Text, true, "What goes wrong"),
            f("solution", FieldType::Text, true, "What has worked instead"),
            f("signs", FieldType::TextList, false, "How to recognise it"),
        ],
    },
    Kind {
        name: "factor",
        collection: "factors",
        title: "The twelve factors",
        fields: &[
            f("number", FieldType::Int(1, 12), true, "1 to 12, once each"),
            f("name", FieldType::Text, false, "Short name, e.g. `Config`"),
            f("principle", FieldType::Text, true, "The rule in one line"),
            f(
                "for_managers",
                FieldType::Text,
                false,
                "What it means in plain language",
            ),
            f(
                "definition_of_done",
                FieldType::TextList,
                false,
                "Checklist items for the Definition of Done",
            ),
        ],
    },
    Kind {
        name: "term",
        collection: "glossary",
        title: "Glossary",
        fields: &[
            f("short", FieldType::Text, true, "One-line definition"),
            f(
                "synonyms",
                FieldType::TextList,
                false,
                "Other words that mean the term (plural, abbreviations)",
            ),
        ],
    },
    Kind {
        name: "guide",
        collection: "guides",
        title: "Guides",
        fields: &[
            f("audience", FieldType::Text, false, "Who the step is for"),
            f("level", FieldType::Text, false, "beginner, intermediate…"),
            f(
                "duration",
                FieldType::Text,
                false,
                "How long the step takes",
            ),
            f(
                "checklist",
                FieldType::TextList,
                false,
                "Tasks to tick off; ticks are kept in the browser",
            ),
        ],
    },
    Kind {
        name: "team",
        collection: "teams",
        title: "Teams",
        fields: &[
            f("members", FieldType::TextList, false, "People or roles"),
            f(
                "responsibilities",
                FieldType::Raci,
                false,
                "Responsibility → R, A, C or I",
            ),
        ],
    },
    Kind {
        name: "pbi",
        collection: "backlog",
        title: "Backlog",
        fields: PBI_FIELDS,
    },
    Kind {
        name: "sprint",
        collection: "sprints",
        title: "Sprints",
        fields: SPRINT_FIELDS,
    },
    Kind {
        name: "goal",
        collection: "goals",
        title: "Product goals",
        fields: GOAL_FIELDS,
    },
];

pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        COMMON
            .iter()
            .chain(self.fields.iter())
            .find(|f| f.name == name)
    }

    pub fn all_fields(&self) -> impl Iterator<Item = &'static Field> + '_ {
        COMMON.iter().chain(self.fields.iter())
    }
}

/// The kind named `name`, or a usage message with a "did you mean".
pub fn kind_or_hint(name: &str) -> Result<&'static Kind, String> {
    kind(name).ok_or_else(|| {
        format!(
            "unknown record kind `{name}`; {}",
            hint(name, KINDS.iter().map(|k| k.name), "kinds")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_get_a_hint() {
        assert_eq!(
            kind_or_hint("antipatern").unwrap_err(),
            "unknown record kind `antipatern`; did you mean `antipattern`?"
        );
    }
}
