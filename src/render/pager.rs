//! Pagination of section and term lists: how many pagers a list has, the items of each, their
//! URLs (`page/2/`, …), and the `paginator` a list template gets (previous, next, nearby).

use serde::Serialize;

use crate::render::context::Views;

/// One pager link: its number and URL.
#[derive(Serialize)]
pub struct Pager {
    pub number: usize,
    pub url: String,
}

/// Pager URLs: the first pager is the section itself, then `page/2/`, `page/3/`…
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The links to every pager of a list at site path `base` with `total` pagers, built once per
/// list and shared by its pagers: each pager lists them all, so building them per pager made a
/// term with thousands of pagers quadratic (perf, 100,000 pages).
pub fn pager_links(views: &Views, base: &str, total: usize) -> tera::Value {
    (1..=total)
        .map(|k| {
            tera::Value::from_serializable(&Pager {
                number: k,
                url: views.url(&pager_path(base, k)),
            })
        })
        .collect::<Vec<tera::Value>>()
        .into()
}

/// The paginator of pager `n` (1-based) of `total`, for a list at site path `base` whose
/// [`pager_links`] are `links`: `current`, `total`, `prev_url`, `next_url`, `pagers`.
pub fn paginator(
    views: &Views,
    base: &str,
    n: usize,
    total: usize,
    links: &tera::Value,
) -> Option<tera::Value> {
    if total <= 1 {
        return None;
    }
    let mut map: std::collections::BTreeMap<&'static str, tera::Value> = Default::default();
    map.insert("current", n.into());
    map.insert("total", total.into());
    map.insert(
        "prev_url",
        (n > 1).then(|| views.url(&pager_path(base, n - 1))).into(),
    );
    map.insert(
        "next_url",
        (n < total)
            .then(|| views.url(&pager_path(base, n + 1)))
            .into(),
    );
    map.insert("pagers", links.clone());
    map.insert("nearby", nearby(n, total, links).into());
    Some(map.into())
}

/// How many pagers on each side of the current one [`nearby`] shows.
const NEARBY: usize = 2;

/// The pager links worth showing on pager `n` of `total`: the first, the last, and those
/// within [`NEARBY`] of `n`, each with `gap` when numbers were left out before it. A list of
/// every pager on every pager grows with the square of the list (at 100,000 pages, 1.2 GB of
/// category pagers), and no reader scans a thousand numbers.
fn nearby(n: usize, total: usize, links: &tera::Value) -> Vec<tera::Value> {
    let all = links.as_array().unwrap_or_default();
    let mut numbers: Vec<usize> = (n.saturating_sub(NEARBY)..=n + NEARBY)
        .chain([1, total])
        .filter(|k| (1..=total).contains(k))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut shown = Vec::new();
    let mut last = 0;
    for k in numbers {
        let Some(link) = all.get(k - 1).and_then(|l| l.as_map()) else {
            continue;
        };
        let mut item = link.clone();
        item.insert("gap".into(), (k > last + 1).into());
        shown.push(item.into());
        last = k;
    }
    shown
}

/// `paginator` in a list's context: the paginator, or none for a list of one pager.
pub fn insert_paginator(ctx: &mut tera::Context, paginator: Option<tera::Value>) {
    match paginator {
        Some(p) => ctx.insert_value("paginator", p),
        None => ctx.insert("paginator", &None::<()>),
    }
}

/// How many pagers a list of `items` has at `per` a pager (`0`: all on one).
pub fn pager_count(items: usize, per: usize) -> usize {
    if per == 0 {
        1
    } else {
        items.div_ceil(per).max(1)
    }
}

/// The items of pager `n` (1-based).
pub fn slice(list: &[usize], n: usize, per: usize) -> &[usize] {
    if per == 0 {
        return list;
    }
    let start = ((n - 1) * per).min(list.len());
    let end = (start + per).min(list.len());
    &list[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_of_a_list_share_one_list_of_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("teambook.yaml"),
            "title: T\nbase_url: https://example.org/hb/\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let (config, _) = crate::load::site_config(dir.path()).unwrap();
        let sources = crate::load::load(dir.path(), config.clone()).unwrap();
        let include = crate::model::Include {
            drafts: false,
            future: false,
            now: jiff::Timestamp::now(),
        };
        let site = crate::model::assemble(config, sources.content.clone(), include).unwrap();
        let records = crate::render::records::RecordViews::default();
        let views = Views::new(&site, &[], &[], &records);
        let links = pager_links(&views, "/blog/", 3);
        assert!(paginator(&views, "/blog/", 1, 1, &links).is_none());
        let second = paginator(&views, "/blog/", 2, 3, &links).unwrap();
        let third = paginator(&views, "/blog/", 3, 3, &links).unwrap();
        let map = second.as_map().unwrap();
        let nearby = |p: &tera::Value| -> Vec<(u64, bool)> {
            p.as_map().unwrap()[&tera::value::Key::from("nearby")]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let l = l.as_map().unwrap();
                    let number = l[&tera::value::Key::from("number")].as_u64().unwrap();
                    (number, l[&tera::value::Key::from("gap")].as_bool().unwrap())
                })
                .collect()
        };
        assert_eq!(nearby(&second), [(1, false), (2, false), (3, false)]);
        let links = pager_links(&views, "/blog/", 20);
        let tenth = paginator(&views, "/blog/", 10, 20, &links).unwrap();
        let expected = [
            (1, false),
            (8, true),
            (9, false),
            (10, false),
            (11, false),
            (12, false),
            (20, true),
        ];
        assert_eq!(nearby(&tenth), expected);
        let last = paginator(&views, "/blog/", 20, 20, &links).unwrap();
        assert_eq!(
            nearby(&last),
            [(1, false), (18, true), (19, false), (20, false)]
        );
        let get = |k: &'static str| map.get(&tera::value::Key::from(k)).unwrap().to_string();
        assert_eq!(get("current"), "2");
        assert_eq!(get("total"), "3");
        assert_eq!(get("prev_url"), "/hb/blog/");
        assert_eq!(get("next_url"), "/hb/blog/page/3/");
        let pagers = |p: &tera::Value| {
            p.as_map().unwrap()[&tera::value::Key::from("pagers")]
                .as_array()
                .unwrap()
                .as_ptr()
        };
        assert_eq!(pagers(&second), pagers(&third), "pagers rebuilt per pager");
        assert_eq!(
            second.as_map().unwrap()[&tera::value::Key::from("pagers")]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let last = third.as_map().unwrap();
        assert!(last[&tera::value::Key::from("next_url")].is_none());
    }
}
