//! The rows of a CSV or TSV export with case-insensitive headers, and the readers every format
//! shares: dates, points, statuses, sprint numbers; each problem at `FILE:ROW` with its column.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::ImportConfig;
use crate::error::{Error, did_you_mean};
use crate::model::records::values::STATUSES;

/// One data row: its line in the file (the header is line 1) and its fields.
#[derive(Debug)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A parsed CSV or TSV file.
#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    /// The file's text without its byte-order mark, for quoting lines in errors.
    pub text: String,
    /// The headers as written.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub delimiter: u8,
}

/// The text without a UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

impl Table {
    pub fn parse(path: &Path, text: &str, delimiter: u8) -> Result<Table, Error> {
        let text = strip_bom(text).to_string();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let headers: Vec<String> = match records.next() {
            Some(Ok(h)) => h.iter().map(|s| s.trim().to_string()).collect(),
            Some(Err(e)) => return Err(csv_error(path, &text, &e)),
            None => {
                return Err(Error::file(
                    path,
                    "the export is empty: it has no header row",
                ));
            }
        };
        let mut rows = Vec::new();
        // The reader's own line numbers are one short after a CRLF; count from byte offsets.
        let bytes = text.as_bytes();
        let (mut counted, mut line) = (0usize, 1usize);
        for r in records {
            let r = r.map_err(|e| csv_error(path, &text, &e))?;
            let mut at = r
                .position()
                .map_or(0, |p| p.byte() as usize)
                .min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            line += bytes[counted..at].iter().filter(|b| **b == b'\n').count();
            counted = at;
            if r.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push(Row {
                line,
                fields: r.iter().map(str::to_string).collect(),
            });
        }
        Ok(Table {
            path: path.to_path_buf(),
            text,
            headers,
            rows,
            delimiter,
        })
    }

    /// The first column named any of `names`, without regard to case.
    pub fn col(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            self.headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(n.trim()))
        })
    }

    /// Every column named `name` (Jira repeats `Sprint` and `Labels`).
    pub fn cols(&self, name: &str) -> Vec<usize> {
        (0..self.headers.len())
            .filter(|&i| self.headers[i].eq_ignore_ascii_case(name))
            .collect()
    }

    /// A column the format cannot do without; the error names the closest header.
    pub fn required(&self, names: &[&str], tool: &str) -> Result<usize, Error> {
        self.col(names).ok_or_else(|| {
            let mut e = Error::at(
                &self.path,
                &self.text,
                1,
                1,
                format!(
                    "this {tool} export has no column \"{}\"",
                    names.first().copied().unwrap_or_default()
                ),
            );
            if let Some(s) = did_you_mean(names[0], self.headers.iter().map(String::as_str)) {
                e = e.with_help(format!("did you mean \"{s}\"? (`import: {{…}}` in teambook.yaml maps other column names)"));
            }
            e
        })
    }

    /// The trimmed field of `row` in column `col` ("" when the row is short).
    pub fn get<'a>(&self, row: &'a Row, col: Option<usize>) -> &'a str {
        col.and_then(|c| row.fields.get(c)).map_or("", |s| s.trim())
    }

    /// The value of column `col` in `row` read with `parse`; none when the export has no
    /// such column or the cell is empty. A value that does not parse is a problem added to
    /// `errors`, and reads as none.
    pub fn read<T>(
        &self,
        row: &Row,
        col: Option<usize>,
        parse: impl FnOnce(&str) -> Result<Option<T>, String>,
        errors: &mut Vec<Error>,
    ) -> Option<T> {
        let c = col?;
        match parse(self.get(row, Some(c))) {
            Ok(v) => v,
            Err(m) => {
                errors.push(self.problem(row, c, m));
                None
            }
        }
    }

    /// An error about the value of column `col` in `row`.
    pub fn problem(&self, row: &Row, col: usize, message: impl AsRef<str>) -> Error {
        let line = self
            .text
            .lines()
            .nth(row.line.saturating_sub(1))
            .unwrap_or("");
        let at = field_col(line, col, self.delimiter as char).unwrap_or(1);
        Error::at(
            &self.path,
            &self.text,
            row.line,
            at,
            format!(
                "column \"{}\": {}",
                self.headers.get(col).map_or("", String::as_str),
                message.as_ref()
            ),
        )
    }
}

fn csv_error(path: &Path, text: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, |p| p.line() as usize).max(1);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the export is not UTF-8 text; export it again as UTF-8".to_string()
        }
        _ => format!("the export is not valid CSV: {e}"),
    };
    Error::at(path, text, line, 1, message)
}

/// The 1-based column (in characters) where field `index` starts on `line`, quotes respected.
fn field_col(line: &str, index: usize, delimiter: char) -> Option<usize> {
    if index == 0 {
        return Some(1);
    }
    let mut seen = 0;
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            seen += 1;
            if seen == index {
                return Some(i + 2);
            }
        }
    }
    None
}

/// A sprint's number: the last whole number in its name (`ORB Sprint 12`, `Project\Sprint 12`).
pub fn sprint_number(name: &str) -> Option<u32> {
    let digits: String = name
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let n: u32 = digits.chars().rev().collect::<String>().parse().ok()?;
    (n > 0).then_some(n)
}

/// Points: empty is none; anything else must be a number of 0 or more.
pub fn points(value: &str) -> Result<Option<f64>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    match value.replace(',', ".").parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(Some(x)),
        _ => Err(format!(
            "\"{value}\" is not a number of points (write e.g. 3 or 0.5)"
        )),
    }
}

/// Formats the tools write dates in, tried after the configured one.
const FORMATS: &[&str] = &[
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%b %d, %Y",
];

/// A calendar date from any of the tools' formats; `format` (from the config) is tried first.
pub fn date(value: &str, format: Option<&str>) -> Result<Option<Date>, String> {
    let value = value.trim().trim_start_matches('\'');
    if value.is_empty() {
        return Ok(None);
    }
    let parse = |f: &str| {
        jiff::fmt::strtime::parse(f, value)
            .ok()
            .and_then(|t| t.to_date().ok())
    };
    if let Some(f) = format
        && let Some(d) = parse(f)
    {
        return Ok(Some(d));
    }
    if let Ok(t) = value.parse::<jiff::Timestamp>() {
        return Ok(Some(jiff::tz::Offset::UTC.to_datetime(t).date()));
    }
    if let Ok(d) = value.parse::<jiff::civil::DateTime>() {
        return Ok(Some(d.date()));
    }
    if let Ok(d) = value.parse::<Date>() {
        return Ok(Some(d));
    }
    FORMATS.iter().find_map(|f| parse(f)).map(Some).ok_or_else(|| {
        let hint = format.map_or_else(
            || "like 14/Jul/25 3:42 PM or 2025-07-14; set `import: {date_format: …}` for another format".to_string(),
            |f| format!("the configured date_format is `{f}`"),
        );
        format!("\"{value}\" is not a date ({hint})")
    })
}

/// The stock workflow states of the four tools, lower case, and what they mean here.
const STOCK: &[(&str, &str)] = &[
    ("to do", "todo"),
    ("todo", "todo"),
    ("open", "todo"),
    ("backlog", "todo"),
    ("new", "todo"),
    ("approved", "todo"),
    ("proposed", "todo"),
    ("ready", "todo"),
    ("selected for development", "todo"),
    ("triage", "todo"),
    ("unstarted", "todo"),
    ("in progress", "in_progress"),
    ("in review", "in_progress"),
    ("code review", "in_progress"),
    ("review", "in_progress"),
    ("testing", "in_progress"),
    ("in test", "in_progress"),
    ("active", "in_progress"),
    ("committed", "in_progress"),
    ("started", "in_progress"),
    ("doing", "in_progress"),
    ("done", "done"),
    ("closed", "done"),
    ("resolved", "done"),
    ("completed", "done"),
    ("won't do", "dropped"),
    ("won't fix", "dropped"),
    ("cancelled", "dropped"),
    ("canceled", "dropped"),
    ("removed", "dropped"),
    ("duplicate", "dropped"),
    ("rejected", "dropped"),
];

/// A tracker status as `todo`, `in_progress`, `done` or `dropped`: the config's mapping first,
/// then the stock states, then `fallback` (a status category the tool gives beside it).
pub fn status(
    raw: &str,
    config: &ImportConfig,
    fallback: Option<&str>,
) -> Result<&'static str, String> {
    let word = raw.trim().to_lowercase();
    if let Some((_, to)) = config
        .status
        .iter()
        .find(|(from, _)| from.trim().eq_ignore_ascii_case(&word))
    {
        let norm = to.trim().to_lowercase().replace([' ', '-'], "_");
        return STATUSES
            .iter()
            .find(|s| **s == norm)
            .copied()
            .ok_or_else(|| {
                format!(
                    "\"{raw}\" is mapped to \"{to}\" in teambook.yaml, which is not one of {}",
                    STATUSES.join(", ")
                )
            });
    }
    if let Some((_, to)) = STOCK.iter().find(|(from, _)| *from == word) {
        return Ok(to);
    }
    if let Some(to) = fallback.filter(|f| !f.trim().is_empty()).and_then(|f| {
        let f = f.trim().to_lowercase();
        STOCK.iter().find(|(from, _)| *from == f).map(|(_, to)| *to)
    }) {
        return Ok(to);
    }
    let mut msg = format!("unknown status \"{raw}\"");
    if let Some(s) = did_you_mean(&word, STOCK.iter().map(|(w, _)| *w)) {
        msg.push_str(&format!(" (did you mean \"{s}\"?)"));
    }
    msg.push_str(&format!(
        "; map it in teambook.yaml, e.g. `import: {{status: {{\"{raw}\": in_progress}}}}`"
    ));
    Err(msg)
}

/// What kind of backlog item an issue type is, where the word says it plainly.
pub fn item_type(issue_type: &str, labels: &[String]) -> Option<&'static str> {
    let t = issue_type.trim().to_lowercase();
    let debt = |s: &str| matches!(s, "tech debt" | "tech-debt" | "technical debt" | "debt");
    if debt(&t) || labels.iter().any(|l| debt(&l.trim().to_lowercase())) {
        return Some("debt");
    }
    match t.as_str() {
        "bug" | "defect" | "incident" => Some("bug"),
        "story" | "user story" | "feature" | "product backlog item" | "requirement" => {
            Some("feature")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_every_tool() {
        let d = jiff::civil::date(2025, 7, 14);
        for s in [
            "14/Jul/25 3:42 PM",
            "14/jul/25 11:42 AM",
            "7/14/2025 3:42:00 PM",
            "2025-07-14T15:42:00.000Z",
            "2025-07-14",
            "'2025-07-14",
            "14/Jul/25 15:42",
        ] {
            assert_eq!(date(s, None), Ok(Some(d)), "{s}");
        }
        assert_eq!(date("14.07.2025", Some("%d.%m.%Y")), Ok(Some(d)));
        assert!(
            date("next tuesday", None)
                .unwrap_err()
                .contains("\"next tuesday\" is not a date")
        );
        assert_eq!(date("", None), Ok(None));
    }

    #[test]
    fn sprint_numbers_are_the_last_number_of_the_name() {
        assert_eq!(sprint_number("ORB Sprint 12"), Some(12));
        assert_eq!(sprint_number("Orbit\\2025\\Sprint 7"), Some(7));
        assert_eq!(sprint_number("Backlog"), None);
    }

    #[test]
    fn statuses_map_through_the_config_then_the_stock_words() {
        let mut config = ImportConfig::default();
        config
            .status
            .insert("Ready for QA".into(), "in progress".into());
        assert_eq!(status("ready for qa", &config, None), Ok("in_progress"));
        assert_eq!(status("Won't Do", &config, None), Ok("dropped"));
        assert_eq!(status("Parked", &config, Some("To Do")), Ok("todo"));
        let e = status("Parked", &config, None).unwrap_err();
        assert!(e.contains("unknown status \"Parked\""), "{e}");
        assert!(e.contains("import: {status:"), "{e}");
    }

    #[test]
    fn problems_point_at_the_field() {
        let t = Table::parse(
            Path::new("x.csv"),
            "\u{feff}A,b,\"C\"\r\n1,\"two, three\",x\r\n",
            b',',
        )
        .unwrap();
        assert_eq!(t.col(&["c"]), Some(2));
        let e = t.problem(&t.rows[0], 2, "bad");
        assert_eq!(e.to_string(), "x.csv:2:16: column \"C\": bad");
    }
}
