//! Sorting of section pages and subsections as pure functions with a deterministic tie-break:
//! weight (unweighted last), then date (newest first), then title, then source path.

use std::cmp::Ordering;

use super::{Page, Section};

/// Sorts page indices in place. `order`: `None`/`weight`, `date`, or `title`.
pub fn sort_pages(list: &mut [usize], pages: &[Page], order: Option<&str>) {
    list.sort_by(|&a, &b| {
        let (a, b) = (&pages[a], &pages[b]);
        let by_weight = || weight_order(a.meta.weight, b.meta.weight);
        let by_date = || b.meta.date.cmp(&a.meta.date);
        let by_title = || a.title.to_lowercase().cmp(&b.title.to_lowercase());
        let primary = match order {
            Some("date") => by_date().then_with(by_weight),
            Some("title") => by_title(),
            _ => by_weight().then_with(by_date),
        };
        primary
            .then_with(by_title)
            .then_with(|| a.path.cmp(&b.path))
    });
}

/// Subsections by weight, then title, then folder.
pub fn section_order(a: &Section, b: &Section) -> Ordering {
    weight_order(a.meta.weight, b.meta.weight)
        .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
        .then_with(|| a.dir.cmp(&b.dir))
}

/// Weight 0 means "no weight": such items come after weighted ones, as in Hugo.
fn weight_order(a: i64, b: i64) -> Ordering {
    match (a, b) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        _ => a.cmp(&b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::frontmatter::{Date, FrontMatter};
    use std::path::PathBuf;

    fn page(title: &str, weight: i64, date: Option<&str>) -> Page {
        Page {
            path: PathBuf::from(format!("content/{title}.md")),
            text: String::new(),
            body_start: 0,
            body_line: 1,
            meta: FrontMatter {
                weight,
                date: date.and_then(Date::parse),
                ..Default::default()
            },
            title: title.into(),
            url: String::new(),
            section: 0,
            bundle: None,
            prev: None,
            next: None,
            updated_by: None,
            review_due: None,
        }
    }

    #[test]
    fn weight_then_date_then_title() {
        // "e" comes before "d" here and both have one date: only the title puts "d" first.
        let pages = vec![
            page("c", 0, Some("2026-01-01")),
            page("b", 2, None),
            page("a", 1, None),
            page("e", 0, Some("2026-02-01")),
            page("d", 0, Some("2026-02-01")),
        ];
        let mut list: Vec<usize> = (0..pages.len()).collect();
        sort_pages(&mut list, &pages, None);
        let titles: Vec<&str> = list.iter().map(|&i| pages[i].title.as_str()).collect();
        assert_eq!(titles, ["a", "b", "d", "e", "c"]);
    }

    #[test]
    fn by_date_newest_first_and_by_title() {
        // Input order, date order and title order all differ.
        let pages = vec![
            page("b-old", 1, Some("2025-01-01")),
            page("c-new", 2, Some("2026-01-01")),
            page("a-mid", 3, Some("2025-06-01")),
        ];
        let titles = |list: &[usize]| -> Vec<&str> {
            list.iter().map(|&i| pages[i].title.as_str()).collect()
        };
        let mut list = vec![0, 1, 2];
        sort_pages(&mut list, &pages, Some("date"));
        assert_eq!(titles(&list), ["c-new", "a-mid", "b-old"]);
        sort_pages(&mut list, &pages, Some("title"));
        assert_eq!(titles(&list), ["a-mid", "b-old", "c-new"]);
    }
}
