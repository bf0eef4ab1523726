//! The coverage table in tests/README.md stays true: every key README.md lists (CLI commands
//! and flags, config keys, front-matter keys, shortcodes, template functions, record fields,
//! output files, Hugo keys) has a row in its part of the table, and every test a row cites
//! exists.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;

/// The text of the README section whose heading line is `heading`, up to the next heading of
/// the same or a higher level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no `{heading}`"))
        + heading.len()
        + 2;
    let rest = &text[start..];
    let end = rest
        .lines()
        .scan(0, |at, line| {
            let here = *at;
            *at += line.len() + 1;
            Some((here, line))
        })
        .find(|(_, line)| {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
        })
        .map_or(rest.len(), |(at, _)| at);
    &rest[..end]
}

/// The backticked spans of `text`, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The first fenced block of `text`.
fn first_block(text: &str) -> &str {
    let start = text.find("```").expect("a fenced block") + 3;
    let start = start + text[start..].find('\n').unwrap() + 1;
    &text[start..start + text[start..].find("```").unwrap()]
}

/// The first cells of the rows of the first table of `text` (header and rule left out).
fn first_column(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.split('|').nth(1).unwrap())
        .collect()
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'))
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

/// `teambook <command>` of each line of a usage block, and every `--flag` in it.
fn commands_and_flags(block: &str, keys: &mut BTreeSet<String>) {
    for line in block.lines() {
        // A usage line is the command, two spaces, then what it does.
        let usage = line.split("  ").next().unwrap_or("");
        let words: Vec<&str> = usage.split_whitespace().collect();
        if words.first() == Some(&"teambook") {
            let command: Vec<&str> = words[1..]
                .iter()
                .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
                .copied()
                .collect();
            keys.insert(format!("teambook {}", command.join(" ")));
        }
        for word in line.split(|c: char| c.is_whitespace() || "[]|,;:()".contains(c)) {
            if let Some(flag) = word.strip_prefix("--") {
                let flag: String = flag
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                    .collect();
                if !flag.is_empty() {
                    keys.insert(format!("--{flag}"));
                }
            }
        }
    }
}

/// Splits a fields cell at the commas outside parentheses: `a, b (x, y), c` → a, b, c.
fn fields_of(cell: &str) -> Vec<String> {
    let (mut depth, mut field, mut out) = (0, String::new(), Vec::new());
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => out.push(std::mem::take(&mut field)),
            _ if depth == 0 => field.push(c),
            _ => {}
        }
    }
    out.push(field);
    out.iter()
        .map(|f| {
            f.trim()
                .trim_matches('*')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['*', '`'])
                .to_string()
        })
        .filter(|f| !f.is_empty())
        .collect()
}

/// The fields of a kind described in prose: the backticked (or bold) names after the first
/// `): ` of `text`, up to the sentence's end.
fn prose_fields(text: &str) -> Vec<String> {
    let start = text.find("):").expect("a kind's fields after `):`") + 2;
    let rest = &text[start..];
    let end = rest.find(". ").unwrap_or(rest.len());
    let rest = &rest[..end];
    let mut out: Vec<String> = backticked(rest)
        .into_iter()
        .filter(|s| is_name(s))
        .map(str::to_string)
        .collect();
    out.extend(rest.split("**").skip(1).step_by(2).map(str::to_string));
    out
}

/// What README.md lists, by the part of tests/README.md that must cover it.
fn documented(readme: &str) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut parts: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();

    let cli = parts.entry("Command line").or_default();
    commands_and_flags(first_block(section(readme, "## Command line")), cli);
    commands_and_flags(
        first_block(section(readme, "## Live preview: `teambook serve`")),
        cli,
    );
    commands_and_flags(first_block(section(readme, "## From your tracker")), cli);

    let config = parts.entry("Configuration").or_default();
    for cell in first_column(section(readme, "## Configuration: `teambook.yaml`")) {
        config.extend(backticked(cell).into_iter().map(str::to_string));
    }

    let pages = section(readme, "## Pages");
    let front = pages
        .split("\n\n")
        .find(|p| p.trim_start().starts_with("Front matter is"))
        .expect("the front-matter paragraph");
    parts.entry("Front matter").or_default().extend(
        backticked(front)
            .into_iter()
            .filter(|s| is_name(s))
            .map(str::to_string),
    );

    // Shortcodes: the built-in theme's list and every `{{< name` written anywhere.
    let shortcodes = parts.entry("Shortcodes").or_default();
    let list = section(pages, "### Shortcodes");
    let list = &list[list.find("which has").expect("the built-in list")..];
    let list = &list[..list.find(';').unwrap()];
    for name in backticked(list) {
        shortcodes.insert(format!("{{{{< {name} >}}}}"));
    }
    for opening in ["{{< ", "{{</* "] {
        for (at, _) in readme.match_indices(opening) {
            let name: String = readme[at + opening.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != "name" && name != "shortcodes" {
                shortcodes.insert(format!("{{{{< {name} >}}}}"));
            }
        }
    }

    // Template functions and filters: every backticked `name(…)`.
    let functions = parts.entry("Template API").or_default();
    for span in backticked(readme) {
        if let Some(open) = span.find('(') {
            let name = &span[..open];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                functions.insert(format!("{name}()"));
            }
        }
    }
    let api = section(readme, "## Template API");
    let filters = api
        .split("\n\n")
        .find(|p| p.trim_start().starts_with("Functions:"))
        .expect("the functions and filters paragraph");
    functions.extend(
        backticked(filters)
            .into_iter()
            .filter(|s| is_name(s) && !s.starts_with('/'))
            .map(str::to_string),
    );
    for cell in first_column(api) {
        functions.extend(backticked(cell).into_iter().map(str::to_string));
    }

    // Record kinds: `kind.field` for every field of the kinds' table and of pbi, sprint, goal.
    let records = parts.entry("Records").or_default();
    let typed = section(readme, "## Typed records");
    let table = &typed[typed.find("| kind |").expect("the kinds table")..];
    for row in table.lines().take_while(|l| l.starts_with('|')).skip(2) {
        let cells: Vec<&str> = row.split('|').collect();
        let kind = cells[1].trim().trim_matches('`');
        for field in fields_of(cells[3]) {
            records.insert(format!("{kind}.{field}"));
        }
    }
    let sprints = section(readme, "## Sprint reports");
    for kind in ["pbi", "sprint"] {
        let bullet = &sprints[sprints
            .find(&format!("\n- `{kind}` "))
            .unwrap_or_else(|| panic!("the `{kind}` bullet"))..];
        for field in prose_fields(bullet) {
            records.insert(format!("{kind}.{field}"));
        }
    }
    let goals = section(sprints, "### Product Goals");
    for field in prose_fields(goals) {
        records.insert(format!("goal.{field}"));
    }

    let output = parts.entry("Output").or_default();
    output.extend(
        backticked(section(readme, "## Output"))
            .into_iter()
            .map(str::to_string),
    );

    let hugo = parts.entry("Hugo sites").or_default();
    for cell in first_column(section(readme, "## Hugo sites")) {
        hugo.extend(
            backticked(cell)
                .into_iter()
                .filter(|s| is_name(s))
                .map(str::to_string),
        );
    }
    parts
}

/// The table rows of each `## ` part of tests/README.md.
fn rows_by_part(coverage: &str) -> BTreeMap<String, Vec<&str>> {
    let mut parts: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut part = String::new();
    for line in coverage.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            part = h.trim().to_string();
        } else if line.starts_with('|') && !line.starts_with("|---") {
            parts.entry(part.clone()).or_default().push(line);
        }
    }
    parts
}

/// Every `file.rs::name` a row of the table cites, with its file.
fn cited(coverage: &str) -> Vec<(String, String)> {
    coverage
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(backticked)
        .filter_map(|s| s.split_once(".rs::"))
        .map(|(file, name)| (format!("{file}.rs"), name.to_string()))
        .collect()
}

/// The keys README lists that no row of their part of the table names, as `part: key`.
fn missing(readme: &str, coverage: &str) -> Vec<String> {
    let rows = rows_by_part(coverage);
    let mut out = Vec::new();
    for (part, keys) in documented(readme) {
        let rows = rows.get(part).map(Vec::as_slice).unwrap_or_default();
        for key in keys {
            let quoted = format!("`{key}`");
            if !rows.iter().any(|r| r.contains(&quoted)) {
                out.push(format!("{part}: {key}"));
            }
        }
    }
    out
}

/// The tests the table cites that do not exist, and rows whose kind of check is not
/// `exact`, `presence` or `none`.
fn wrong_citations(coverage: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (file, name) in cited(coverage) {
        let path = if file.starts_with("src/") || file.starts_with("tests/") {
            repo().join(&file)
        } else {
            repo().join("tests/it").join(&file)
        };
        let ok = std::fs::read_to_string(&path)
            .map(|text| text.contains(&format!("fn {name}(")))
            .unwrap_or(false);
        if !ok {
            out.push(format!("{file}::{name}"));
        }
    }
    for rows in rows_by_part(coverage).values() {
        for row in rows.iter().skip(1) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let check = cells.get(cells.len().saturating_sub(2)).copied();
            if !matches!(check, Some("exact" | "presence" | "none" | "check")) {
                out.push(format!(
                    "a row whose last cell is not exact/presence/none: {row}"
                ));
            }
        }
    }
    out
}

#[test]
fn every_feature_readme_lists_has_a_row_in_the_coverage_table() {
    let readme = read(&repo(), "README.md");
    let coverage = read(&repo(), "tests/README.md");
    let keys: usize = documented(&readme).values().map(BTreeSet::len).sum();
    assert!(keys > 200, "only {keys} keys read from README.md");
    let missing = missing(&readme, &coverage);
    assert!(
        missing.is_empty(),
        "README.md documents these without a row in tests/README.md:\n{}",
        missing.join("\n")
    );
    let wrong = wrong_citations(&coverage);
    assert!(
        wrong.is_empty(),
        "tests/README.md cites:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_fails_when_a_row_or_a_test_goes_missing() {
    let readme = read(&repo(), "README.md");
    let coverage = read(&repo(), "tests/README.md");
    // Drop the row of `feed_limit`: the key is reported, under its part.
    let without: String = coverage
        .lines()
        .filter(|l| !l.contains("`feed_limit`"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(missing(&readme, &without), ["Configuration: feed_limit"]);
    // A key README gains is missing until the table has it.
    let more = readme.replace(
        "| `feed_limit` |",
        "| `feed_shape` | | a new key |\n| `feed_limit` |",
    );
    assert_eq!(missing(&more, &coverage), ["Configuration: feed_shape"]);
    // A cited test that does not exist is reported.
    let renamed = format!("{coverage}\n| x | `build.rs::no_such_test` | exact |\n");
    assert!(
        wrong_citations(&renamed).contains(&"build.rs::no_such_test".to_string()),
        "{:?}",
        wrong_citations(&renamed)
    );
}

/// Prints what the check reads from README.md: `cargo test --test it docs::keys -- --ignored
/// --nocapture`.
#[test]
#[ignore = "prints the keys; not a check"]
fn keys() {
    for (part, keys) in documented(&read(&repo(), "README.md")) {
        println!("## {part}");
        for key in keys {
            println!("  {key}");
        }
    }
}
