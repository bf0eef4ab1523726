//! The teams of an export. In: the tracker's team names (a column, or an Azure area path), the
//! site's team records and the config's `import: {team: …}`. Out: each name as the id of a team
//! record (the config's mapping, the id, the slug of the name, the title without regard to
//! case), or a message saying why not; and whether the import keeps teams apart at all.

use crate::config::TeamImport;
use crate::error::did_you_mean;
use crate::util::slug::urlize;

/// A team record of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteTeam {
    pub id: String,
    pub title: String,
}

/// What the importer knows of the site's teams before it reads the export.
#[derive(Debug, Clone, Default)]
pub struct SiteTeams {
    pub teams: Vec<SiteTeam>,
    /// Whether the site's sprint pages name their team (written, or cascaded from a folder).
    pub sprints_named: bool,
    /// Whether the site has sprint pages at all.
    pub has_sprints: bool,
}

/// How the team names of one export are read.
#[derive(Debug)]
pub struct Rule<'a> {
    site: &'a SiteTeams,
    config: &'a TeamImport,
    /// Whether teams are kept apart: off on a one-team site, which imports as before.
    on: bool,
}

impl<'a> Rule<'a> {
    /// The rule for an export whose rows name `names` (in row order, empty where a row names
    /// none); `paths` when the names are Azure area paths (which group work by component as
    /// often as by team). Err: the index of the name the problem is at, and the message.
    pub fn new(
        site: &'a SiteTeams,
        config: &'a TeamImport,
        paths: bool,
        names: &[&str],
    ) -> Result<Rule<'a>, (usize, String)> {
        let mut rule = Rule {
            site,
            config,
            on: false,
        };
        // Distinct teams: by the team a name resolves to, else by the name.
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, raw) in names.iter().enumerate() {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let key = rule.lookup(raw).unwrap_or_else(|| raw.to_lowercase());
            if !seen.iter().any(|(k, _)| *k == key) {
                seen.push((key, i));
            }
        }
        let first = |n: usize| names[seen[n].1].trim();
        if site.teams.is_empty() {
            if seen.len() >= 2 && !paths {
                return Err((
                    seen[1].1,
                    format!(
                        "\"{}\" is a second team in this export (after \"{}\"), but this site has no team records; add the teams to data/teams.yaml (`- title: {}`) so that each keeps its own sprints",
                        first(1),
                        first(0),
                        first(0)
                    ),
                ));
            }
            return Ok(rule);
        }
        rule.on = !seen.is_empty() && (site.sprints_named || !site.has_sprints || seen.len() >= 2);
        if rule.on && site.has_sprints && !site.sprints_named {
            return Err((
                seen[1].1,
                format!(
                    "this export holds the sprints of several teams (\"{}\", \"{}\"), but this site's sprint pages name no team; give them theirs first (`team:`, or `cascade: {{team: …}}` in their folder's _index.md)",
                    first(0),
                    first(1)
                ),
            ));
        }
        Ok(rule)
    }

    /// Whether the export's teams are kept apart.
    pub fn on(&self) -> bool {
        self.on
    }

    /// Why an export that names no team cannot be imported, when the site's sprints belong to
    /// teams and the export has items in sprints.
    pub fn unnamed(&self, in_sprints: bool) -> Option<String> {
        (!self.on && self.site.sprints_named && in_sprints).then(|| {
            format!(
                "this site's sprints belong to teams ({}), but this export names no team; say which column holds it: `import: {{team: {{column: \"Team\"}}}}` in teambook.yaml",
                self.ids().join(", ")
            )
        })
    }

    fn ids(&self) -> Vec<&str> {
        self.site.teams.iter().map(|t| t.id.as_str()).collect()
    }

    /// The team `raw` names, by the config's mapping, the id, the slug or the title.
    fn lookup(&self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if let Some((_, to)) = self
            .config
            .values
            .iter()
            .find(|(from, _)| from.trim().eq_ignore_ascii_case(raw))
        {
            return Some(to.trim().to_string());
        }
        let slug = urlize(raw);
        self.site
            .teams
            .iter()
            .find(|t| {
                t.id.eq_ignore_ascii_case(raw)
                    || t.id == slug
                    || t.title.eq_ignore_ascii_case(raw)
                    || urlize(&t.title) == slug
            })
            .map(|t| t.id.clone())
    }

    /// The id of the team `raw` names; `None` when the rule is off or the cell is empty.
    pub fn resolve(&self, raw: &str) -> Result<Option<String>, String> {
        let raw = raw.trim();
        if !self.on || raw.is_empty() {
            return Ok(None);
        }
        if let Some(id) = self.lookup(raw) {
            if self.site.teams.iter().any(|t| t.id == id) {
                return Ok(Some(id));
            }
            return Err(format!(
                "\"{raw}\" is mapped to \"{id}\" in teambook.yaml, which is no team of this site (the teams are {})",
                self.ids().join(", ")
            ));
        }
        // An area path `Project\Team\Component`: the deepest part below the project that is a
        // team.
        let parts: Vec<&str> = raw.split('\\').map(str::trim).collect();
        if parts.len() > 1
            && let Some(id) = parts[1..].iter().rev().find_map(|p| self.lookup(p))
        {
            return Ok(Some(id));
        }
        let word = parts.last().copied().unwrap_or(raw);
        let mut msg = format!("\"{raw}\" is no team of this site");
        let by_id = did_you_mean(word, self.site.teams.iter().map(|t| t.id.as_str()));
        let by_title = || {
            did_you_mean(word, self.site.teams.iter().map(|t| t.title.as_str())).and_then(|s| {
                self.site
                    .teams
                    .iter()
                    .find(|t| t.title == s)
                    .map(|t| t.id.as_str())
            })
        };
        if let Some(id) = by_id.or_else(by_title) {
            msg.push_str(&format!(" (did you mean \"{id}\"?)"));
        }
        msg.push_str(&format!(
            "; the teams are {}; map another name in teambook.yaml, e.g. `import: {{team: {{values: {{\"{raw}\": {}}}}}}}`",
            self.ids().join(", "),
            self.ids().first().copied().unwrap_or("team")
        ));
        Err(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(named: bool, has: bool) -> SiteTeams {
        SiteTeams {
            teams: vec![
                SiteTeam {
                    id: "payments".into(),
                    title: "Payments".into(),
                },
                SiteTeam {
                    id: "sre".into(),
                    title: "Site reliability".into(),
                },
            ],
            sprints_named: named,
            has_sprints: has,
        }
    }

    #[test]
    fn names_resolve_by_mapping_id_slug_and_title() {
        let s = site(true, true);
        let mut config = TeamImport::default();
        config
            .values
            .insert("Checkout squad".into(), "payments".into());
        let rule = Rule::new(&s, &config, false, &["PAYMENTS"]).unwrap();
        assert!(rule.on());
        for (raw, id) in [
            ("PAYMENTS", "payments"),
            ("site reliability", "sre"),
            ("Site-Reliability", "sre"),
            ("checkout squad", "payments"),
            ("Shop\\Payments\\API", "payments"),
        ] {
            assert_eq!(rule.resolve(raw), Ok(Some(id.to_string())), "{raw}");
        }
        assert_eq!(rule.resolve(""), Ok(None));
        let e = rule.resolve("Paymnts").unwrap_err();
        assert!(
            e.starts_with("\"Paymnts\" is no team of this site (did you mean \"payments\"?); the teams are payments, sre;"),
            "{e}"
        );
        let e = rule.resolve("Site reliabilty").unwrap_err();
        assert!(e.contains("(did you mean \"sre\"?)"), "{e}");
    }

    #[test]
    fn a_one_team_site_imports_as_before() {
        let config = TeamImport::default();
        // Sprints that name no team and an export of one team: teams are not kept apart.
        let s = site(false, true);
        let rule = Rule::new(&s, &config, false, &["Harbor", "Harbor", ""]).unwrap();
        assert_eq!(rule.resolve("Harbor"), Ok(None));
        assert_eq!(rule.unnamed(true), None);
        // A site without team records, likewise; but two teams there would share numbers.
        let none = SiteTeams::default();
        assert!(Rule::new(&none, &config, false, &["Harbor"]).is_ok());
        let (at, e) = Rule::new(&none, &config, false, &["Harbor", "", "Quay"]).unwrap_err();
        assert_eq!(at, 2);
        assert!(e.starts_with("\"Quay\" is a second team in this export (after \"Harbor\"), but this site has no team records"), "{e}");
        // Two teams into sprint pages that name none.
        let (at, e) = Rule::new(&s, &config, false, &["Payments", "sre"]).unwrap_err();
        assert_eq!(at, 1);
        assert!(e.contains("this site's sprint pages name no team"), "{e}");
        // Sprints of teams, an export of none.
        let named = site(true, true);
        let rule = Rule::new(&named, &config, false, &["", ""]).unwrap();
        assert!(
            rule.unnamed(true)
                .unwrap()
                .contains("this site's sprints belong to teams (payments, sre)")
        );
    }
}
