//! Product Goals as pure functions: the goal's scope and done points at the end of each sprint
//! (a burnup across sprints), and when its open points will be done at the best and the worst
//! recent pace, as a range of sprints and dates, judged against the goal's target date.

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::Serialize;

/// A backlog item a goal needs, as the burnup counts it (dropped items are left out).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalItem {
    pub points: f64,
    /// When it joined the backlog; `None`: in scope from the start.
    pub added_on: Option<Date>,
    /// When it was done; `Some(Date::MIN)` for an item done at a date nobody knows.
    pub done_on: Option<Date>,
}

/// A sprint of the team whose pace forecasts the goal, oldest first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SprintSpan {
    pub number: u32,
    pub start: Date,
    pub end: Date,
}

/// Scope and done points at the end of one sprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnupPoint {
    pub number: u32,
    pub end: Date,
    pub scope: f64,
    pub done: f64,
}

/// How many recent sprints the pace is taken from.
pub const PACE_WINDOW: usize = 6;

fn scope_at(items: &[GoalItem], day: Date) -> f64 {
    items
        .iter()
        .filter(|i| i.added_on.is_none_or(|a| a <= day))
        .map(|i| i.points)
        .sum()
}

fn done_at(items: &[GoalItem], day: Date) -> f64 {
    items
        .iter()
        .filter(|i| i.done_on.is_some_and(|d| d <= day))
        .map(|i| i.points)
        .sum()
}

/// The burnup: one point per sprint, from the first sprint that ends on or after the goal's
/// first item joined the backlog.
pub fn burnup(items: &[GoalItem], sprints: &[SprintSpan]) -> Vec<BurnupPoint> {
    let first_added = items.iter().map(|i| i.added_on.unwrap_or(Date::MIN)).min();
    let Some(first_added) = first_added else {
        return Vec::new();
    };
    sprints
        .iter()
        .filter(|s| s.end >= first_added)
        .map(|s| BurnupPoint {
            number: s.number,
            end: s.end,
            scope: scope_at(items, s.end),
            done: done_at(items, s.end),
        })
        .collect()
}

/// When the goal's open points are done, from the pace of recent sprints.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outlook {
    /// Nothing left to do; `on`: the day the last item was done, when known.
    Done { on: Option<Date> },
    /// No sprint yet, or nothing of the goal finished in the recent sprints.
    NoPace { remaining: f64 },
    /// Scope grows at least as fast as the best recent pace: no finish date at this pace.
    /// `best`: the points the better half of recent sprints finished, on average.
    NoDate {
        remaining: f64,
        growth: f64,
        best: f64,
    },
    /// Finished by sprint `first_number` (on `earliest`) at the best recent pace, by sprint
    /// `last_number` (on `latest`) at the worst; `None` there when the worst pace never
    /// finishes (a sprint that finished nothing, or scope growing faster than it).
    Range {
        remaining: f64,
        /// Points done per sprint, net of scope growth: the mean of the better and of the worse
        /// half of the recent sprints.
        best: f64,
        worst: f64,
        growth: f64,
        first_number: u32,
        earliest: Date,
        last_number: Option<u32>,
        latest: Option<Date>,
    },
}

/// Days from one sprint's start to the next: from the last two sprints, or one sprint's
/// length rounded up to whole weeks.
fn cadence(sprints: &[SprintSpan]) -> i64 {
    match sprints {
        [.., a, b] => (b.start - a.start).get_days().into(),
        [only] => {
            let days = i64::from((only.end - only.start).get_days()) + 1;
            (days + 6) / 7 * 7
        }
        [] => 14,
    }
    .max(1)
}

/// The outlook of a goal with `items`, forecast from `sprints` (the team's sprints up to the
/// latest reviewed one, oldest first).
pub fn outlook(items: &[GoalItem], sprints: &[SprintSpan]) -> Outlook {
    let last = sprints.last();
    let now = last.map_or(Date::MAX, |s| s.end);
    let scope = scope_at(items, now);
    let remaining = scope - done_at(items, now);
    if remaining <= 1e-9 && !items.is_empty() && items.iter().all(|i| i.done_on.is_some()) {
        let on = items
            .iter()
            .filter_map(|i| i.done_on)
            .max()
            .filter(|d| *d != Date::MIN);
        return Outlook::Done { on };
    }
    let points = burnup(items, sprints);
    let (Some(last), false) = (last, points.is_empty()) else {
        return Outlook::NoPace { remaining };
    };
    // Points done and scope added in each sprint. The first sprint's done counts from the day
    // before it started; its scope is where the goal started, not growth.
    let first = sprints
        .iter()
        .find(|s| s.number == points[0].number)
        .copied()
        .unwrap_or(*last);
    let before = first.start.checked_sub(1.day()).unwrap_or(first.start);
    let mut prev = (points[0].scope, done_at(items, before));
    let mut steps: Vec<(f64, f64)> = Vec::new();
    for p in &points {
        steps.push((p.done - prev.1, p.scope - prev.0));
        prev = (p.scope, p.done);
    }
    let window = &steps[steps.len().saturating_sub(PACE_WINDOW)..];
    let mut done: Vec<f64> = window.iter().map(|s| s.0).collect();
    if done.iter().all(|d| *d <= 0.0) {
        return Outlook::NoPace { remaining };
    }
    // The best pace is the mean of the better half of the window, the worst that of the worse
    // half (with an odd count the middle sprint is in both): one sprint spent on other work
    // should not make the slowest case "never", nor one lucky sprint the fastest.
    done.sort_by(f64::total_cmp);
    let half = done.len().div_ceil(2);
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let growth = window.iter().map(|s| s.1).sum::<f64>() / window.len() as f64;
    let best = mean(&done[done.len() - half..]) - growth;
    let worst = mean(&done[..half]) - growth;
    if best <= 0.0 {
        return Outlook::NoDate {
            remaining,
            growth,
            best: best + growth,
        };
    }
    let days = cadence(sprints);
    let finish = |sprints_more: u32| {
        last.end
            .checked_add(Span::new().days(days * i64::from(sprints_more)))
            .unwrap_or(Date::MAX)
    };
    let fewest = (remaining / best).ceil().max(1.0) as u32;
    let most = (worst > 0.0).then(|| (remaining / worst).ceil().max(1.0) as u32);
    Outlook::Range {
        remaining,
        best,
        worst,
        growth,
        first_number: last.number + fewest,
        earliest: finish(fewest),
        last_number: most.map(|m| last.number + m),
        latest: most.map(finish),
    }
}

/// The goal against its target date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Done by the target, or forecast to finish before it even at the worst pace.
    OnTrack,
    /// The target falls inside the forecast range.
    AtRisk,
    /// Even the best pace finishes after the target, or there is no date at this pace.
    OffTrack,
    /// Done, after the target.
    Late,
    /// Done, with no target.
    Done,
    /// No target, or no forecast to compare it with.
    Unknown,
}

pub fn verdict(outlook: &Outlook, target: Option<Date>) -> Verdict {
    match (outlook, target) {
        (Outlook::Done { on }, Some(t)) => match on {
            Some(d) if *d > t => Verdict::Late,
            _ => Verdict::OnTrack,
        },
        (Outlook::Done { .. }, None) => Verdict::Done,
        (_, None) | (Outlook::NoPace { .. }, _) => Verdict::Unknown,
        (Outlook::NoDate { .. }, Some(_)) => Verdict::OffTrack,
        (
            Outlook::Range {
                earliest, latest, ..
            },
            Some(t),
        ) => {
            if t < *earliest {
                Verdict::OffTrack
            } else if latest.is_some_and(|l| t >= l) {
                Verdict::OnTrack
            } else {
                Verdict::AtRisk
            }
        }
    }
}

fn day_month(d: Date) -> String {
    d.strftime("%-d %B").to_string()
}

/// "14 and 28 March 2027", "28 March and 11 April 2027", "20 December 2026 and 3 January 2027".
pub fn between(a: Date, b: Date) -> String {
    if a.year() != b.year() {
        format!(
            "{} {} and {} {}",
            day_month(a),
            a.year(),
            day_month(b),
            b.year()
        )
    } else if a.month() != b.month() {
        format!("{} and {} {}", day_month(a), day_month(b), b.year())
    } else {
        format!("{} and {} {}", a.day(), day_month(b), b.year())
    }
}

pub fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

fn points(x: f64) -> String {
    let x = (x * 10.0).round() / 10.0;
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}

/// The outlook in plain words, for stakeholders.
pub fn sentence(outlook: &Outlook) -> String {
    match outlook {
        Outlook::Done { on: Some(d) } => {
            format!("Done: the last item was finished on {}.", long_date(*d))
        }
        Outlook::Done { on: None } => "Done: every item is finished.".into(),
        Outlook::NoPace { remaining } => format!(
            "No forecast yet: {} points are open and no item of this goal has been finished in a recent sprint, so there is no pace to forecast from.",
            points(*remaining)
        ),
        Outlook::NoDate {
            remaining,
            growth,
            best,
        } => format!(
            "No date at this pace: {} points are open, and the scope grew by {} points a sprint while the better recent sprints finished {}. Until the scope stops growing faster than the work gets done, any date would be made up.",
            points(*remaining),
            points(*growth),
            points(*best)
        ),
        Outlook::Range {
            remaining,
            first_number,
            earliest,
            last_number: Some(last),
            latest: Some(latest),
            ..
        } => {
            if first_number == last {
                format!(
                    "{} points are open. At the pace of recent sprints they are likely done in sprint {first_number}, by {}.",
                    points(*remaining),
                    long_date(*earliest)
                )
            } else {
                format!(
                    "{} points are open. Likely done between {}: by sprint {first_number} at the best recent pace, by sprint {last} at the slowest.",
                    points(*remaining),
                    between(*earliest, *latest)
                )
            }
        }
        Outlook::Range {
            remaining,
            first_number,
            earliest,
            ..
        } => format!(
            "{} points are open. At the best recent pace they are done in sprint {first_number}, by {}; at the slowest recent pace there is no finish date.",
            points(*remaining),
            long_date(*earliest)
        ),
    }
}

/// The verdict in plain words.
pub fn verdict_sentence(v: Verdict, target: Option<Date>) -> String {
    let t = target.map(long_date).unwrap_or_default();
    match v {
        Verdict::OnTrack if target.is_some() => format!("On track for the target of {t}."),
        Verdict::OnTrack | Verdict::Done => "Done.".into(),
        Verdict::AtRisk => format!("At risk: the target of {t} is inside the forecast range."),
        Verdict::OffTrack => format!("Off track for the target of {t}."),
        Verdict::Late => format!("Done, after the target of {t}."),
        Verdict::Unknown if target.is_some() => {
            format!("Target {t}: too early to say whether it holds.")
        }
        Verdict::Unknown => "No target date.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Two-week sprints from Monday 5 January 2026: sprint n runs 14(n−1) days later, 12 days.
    fn sprints(n: u32) -> Vec<SprintSpan> {
        (1..=n)
            .map(|k| {
                let start = date(2026, 1, 5) + Span::new().days(14 * i64::from(k - 1));
                SprintSpan {
                    number: k,
                    start,
                    end: start + Span::new().days(11),
                }
            })
            .collect()
    }

    fn item(points: f64, added: Option<Date>, done: Option<Date>) -> GoalItem {
        GoalItem {
            points,
            added_on: added,
            done_on: done,
        }
    }

    #[test]
    fn all_done_says_done_with_the_last_day() {
        let s = sprints(2);
        let items = [
            item(3.0, None, Some(date(2026, 1, 9))),
            item(5.0, None, Some(date(2026, 1, 21))),
        ];
        let o = outlook(&items, &s);
        assert_eq!(
            o,
            Outlook::Done {
                on: Some(date(2026, 1, 21))
            }
        );
        assert_eq!(verdict(&o, Some(date(2026, 1, 31))), Verdict::OnTrack);
        assert_eq!(verdict(&o, Some(date(2026, 1, 20))), Verdict::Late);
        assert_eq!(verdict(&o, None), Verdict::Done);
        assert_eq!(
            sentence(&o),
            "Done: the last item was finished on 21 January 2026."
        );
    }

    #[test]
    fn no_sprint_and_nothing_done_give_no_forecast() {
        let items = [item(8.0, None, None), item(5.0, None, None)];
        assert_eq!(outlook(&items, &[]), Outlook::NoPace { remaining: 13.0 });
        // Three sprints that finished nothing of it: no pace either, never a date.
        let o = outlook(&items, &sprints(3));
        assert_eq!(o, Outlook::NoPace { remaining: 13.0 });
        assert_eq!(verdict(&o, Some(date(2026, 6, 1))), Verdict::Unknown);
        assert!(sentence(&o).starts_with("No forecast yet: 13 points are open"));
    }

    #[test]
    fn the_range_comes_from_the_better_and_the_worse_half_of_recent_sprints() {
        // Sprints 1–3 (ends 16 Jan, 30 Jan, 13 Feb): 6, 2 and 4 points done, scope fixed at 30.
        let s = sprints(3);
        let items = [
            item(6.0, None, Some(date(2026, 1, 14))),
            item(2.0, None, Some(date(2026, 1, 28))),
            item(4.0, None, Some(date(2026, 2, 11))),
            item(18.0, None, None),
        ];
        let b = burnup(&items, &s);
        let rows: Vec<(u32, f64, f64)> = b.iter().map(|p| (p.number, p.scope, p.done)).collect();
        assert_eq!(rows, [(1, 30.0, 6.0), (2, 30.0, 8.0), (3, 30.0, 12.0)]);
        // Better half {6, 4}: 5 a sprint; worse half {2, 4}: 3. 18 open: 4 more sprints
        // (sprint 7) at best, 6 more (sprint 9) at worst. Sprint 3 ends 13 Feb and sprints start
        // every 14 days: 13 Feb + 56 days = 10 Apr, + 84 days = 8 May.
        let o = outlook(&items, &s);
        assert_eq!(
            o,
            Outlook::Range {
                remaining: 18.0,
                best: 5.0,
                worst: 3.0,
                growth: 0.0,
                first_number: 7,
                earliest: date(2026, 4, 10),
                last_number: Some(9),
                latest: Some(date(2026, 5, 8)),
            }
        );
        assert_eq!(
            sentence(&o),
            "18 points are open. Likely done between 10 April and 8 May 2026: by sprint 7 at the best recent pace, by sprint 9 at the slowest."
        );
        assert_eq!(verdict(&o, Some(date(2026, 4, 1))), Verdict::OffTrack);
        assert_eq!(verdict(&o, Some(date(2026, 4, 20))), Verdict::AtRisk);
        assert_eq!(verdict(&o, Some(date(2026, 5, 8))), Verdict::OnTrack);
    }

    #[test]
    fn scope_growing_faster_than_done_has_no_date() {
        // Five sprints finish 3 points each; from the second on, each adds 5 new points.
        // Growth 20 / 5 = 4 a sprint, more than the 3 done: open 10 + 15 + 20 − 15 = 30.
        let s = sprints(5);
        let mut items = vec![item(10.0, None, None)];
        for (k, sp) in s.iter().enumerate() {
            items.push(item(3.0, None, Some(sp.end)));
            if k > 0 {
                items.push(item(5.0, Some(sp.end), None));
            }
        }
        let o = outlook(&items, &s);
        assert_eq!(
            o,
            Outlook::NoDate {
                remaining: 30.0,
                growth: 4.0,
                best: 3.0
            }
        );
        assert_eq!(verdict(&o, Some(date(2027, 1, 1))), Verdict::OffTrack);
        assert!(sentence(&o).starts_with("No date at this pace: 30 points are open"));
    }

    #[test]
    fn growth_slows_the_pace_and_a_sprint_that_finished_nothing_leaves_no_latest_date() {
        // Sprint 1: 8 done; sprint 2: nothing done and 2 points added. Growth 1 a sprint; halves
        // of one sprint each: best 8 − 1 = 7, worst 0 − 1 < 0. Open: 12 → 2 sprints at best.
        let s = sprints(2);
        let items = [
            item(8.0, None, Some(date(2026, 1, 15))),
            item(10.0, None, None),
            item(2.0, Some(date(2026, 1, 22)), None),
        ];
        let o = outlook(&items, &s);
        let Outlook::Range {
            best,
            worst,
            first_number,
            earliest,
            last_number,
            latest,
            ..
        } = o.clone()
        else {
            panic!("{o:?}")
        };
        assert_eq!((best, worst), (7.0, -1.0));
        assert_eq!((first_number, last_number, latest), (4, None, None));
        // Sprint 2 ends 30 Jan; + 2 × 14 days = 27 Feb.
        assert_eq!(earliest, date(2026, 2, 27));
        assert_eq!(verdict(&o, Some(date(2026, 12, 1))), Verdict::AtRisk);
        assert!(sentence(&o).ends_with("at the slowest recent pace there is no finish date."));
    }

    #[test]
    fn a_sprint_that_finished_nothing_without_growth_leaves_no_latest_date() {
        // Sprint 1: 8 done; sprint 2: nothing, no scope added. Worst half {0}: a pace of
        // exactly 0, which gives no date, not a sprint number out of range.
        let s = sprints(2);
        let items = [
            item(8.0, None, Some(date(2026, 1, 15))),
            item(10.0, None, None),
        ];
        let o = outlook(&items, &s);
        let Outlook::Range {
            best,
            worst,
            first_number,
            last_number,
            latest,
            ..
        } = o
        else {
            panic!("{o:?}")
        };
        assert_eq!((best, worst), (8.0, 0.0));
        assert_eq!((first_number, last_number, latest), (4, None, None));
    }

    #[test]
    fn finished_on_the_target_day_is_on_track() {
        let done = Outlook::Done {
            on: Some(date(2026, 3, 2)),
        };
        assert_eq!(verdict(&done, Some(date(2026, 3, 2))), Verdict::OnTrack);
        assert_eq!(verdict(&done, Some(date(2026, 3, 1))), Verdict::Late);
    }

    #[test]
    fn each_verdict_in_plain_words() {
        let t = Some(date(2026, 3, 2));
        for (v, target, want) in [
            (
                Verdict::OnTrack,
                t,
                "On track for the target of 2 March 2026.",
            ),
            (Verdict::OnTrack, None, "Done."),
            (Verdict::Done, None, "Done."),
            (
                Verdict::AtRisk,
                t,
                "At risk: the target of 2 March 2026 is inside the forecast range.",
            ),
            (
                Verdict::OffTrack,
                t,
                "Off track for the target of 2 March 2026.",
            ),
            (Verdict::Late, t, "Done, after the target of 2 March 2026."),
            (
                Verdict::Unknown,
                t,
                "Target 2 March 2026: too early to say whether it holds.",
            ),
            (Verdict::Unknown, None, "No target date."),
        ] {
            assert_eq!(verdict_sentence(v, target), want, "{v:?}");
        }
    }

    #[test]
    fn only_the_last_six_sprints_set_the_pace() {
        // Sprint 1 finished 20 points; sprints 2–7 finished 2 each: the window leaves out 20.
        let s = sprints(7);
        let mut items = vec![item(20.0, None, Some(s[0].end)), item(6.0, None, None)];
        for sp in &s[1..] {
            items.push(item(2.0, None, Some(sp.end)));
        }
        let Outlook::Range {
            best, first_number, ..
        } = outlook(&items, &s)
        else {
            panic!()
        };
        assert_eq!((best, first_number), (2.0, 10));
    }

    #[test]
    fn the_burnup_starts_when_the_goal_does_and_one_sprint_sets_the_cadence_in_weeks() {
        let s = sprints(4);
        let items = [item(4.0, Some(date(2026, 2, 3)), Some(date(2026, 2, 10)))];
        let b = burnup(&items, &s);
        assert_eq!(b.iter().map(|p| p.number).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(cadence(&s[..1]), 14);
        assert_eq!(cadence(&s), 14);
    }

    #[test]
    fn ranges_of_dates_read_naturally() {
        assert_eq!(
            between(date(2027, 3, 14), date(2027, 3, 28)),
            "14 and 28 March 2027"
        );
        assert_eq!(
            between(date(2027, 3, 28), date(2027, 4, 11)),
            "28 March and 11 April 2027"
        );
        assert_eq!(
            between(date(2026, 12, 20), date(2027, 1, 3)),
            "20 December 2026 and 3 January 2027"
        );
    }
}
