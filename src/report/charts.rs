//! Inline SVG charts rendered at build time: velocity (committed vs completed bars with the
//! average) and a sprint burnup (scope and done by day). Each chart has `role="img"`, a
//! `<title>` and a `<desc>`, takes colours from CSS variables, and scales to its container.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::metrics::{Item, Status, Velocity};

const W: f64 = 360.0;
const H: f64 = 236.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;

fn esc(s: &str) -> String {
    crate::util::escape::xml_escape(s)
}

fn open(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// Rounds a maximum up to a readable axis top (1, 2, 5 × 10ⁿ).
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * mag)
}

fn y_axis(out: &mut String, top: f64) {
    let plot_h = H - TOP - BOTTOM;
    for k in 0..=2 {
        let value = top * f64::from(k) / 2.0;
        let y = TOP + plot_h - plot_h * f64::from(k) / 2.0;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" style=\"stroke: var(--chart-grid, #c8ccd2)\" stroke-width=\"1\"/>\
<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" style=\"fill: var(--chart-text, #444)\">{}</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            fmt_num(value)
        );
    }
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Velocity of the sprints in `v`: a pair of bars per sprint and a dashed average line.
/// `id` must be unique on the page.
pub fn velocity_svg(v: &Velocity, id: &str) -> String {
    let mut out = String::new();
    let desc = match v.average {
        Some(avg) => format!(
            "Committed and completed points of sprints {}. Average completed: {} points.",
            v.sprints
                .iter()
                .map(|p| p.number.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            fmt_num(avg)
        ),
        None => "No sprints yet.".to_string(),
    };
    open(
        &mut out,
        id,
        "Velocity: committed vs completed points",
        &desc,
    );
    let top = nice_max(
        v.sprints
            .iter()
            .map(|p| p.committed.max(p.completed))
            .fold(0.0, f64::max),
    );
    y_axis(&mut out, top);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = v.sprints.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.35).min(28.0);
    let y_of = |value: f64| TOP + plot_h - plot_h * value / top;
    for (i, p) in v.sprints.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot / 2.0 - bar;
        for (k, (value, class, label)) in [
            (p.committed, "committed", "committed"),
            (p.completed, "completed", "completed"),
        ]
        .into_iter()
        .enumerate()
        {
            let y = y_of(value);
            let _ = write!(
                out,
                "<rect class=\"chart-{class}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" style=\"fill: var(--chart-{class}, {})\"><title>Sprint {}: {} points {label}</title></rect>",
                x0 + bar * k as f64,
                TOP + plot_h - y,
                if class == "committed" {
                    "#9aa5b1"
                } else {
                    "#1f6feb"
                },
                p.number,
                fmt_num(value)
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" style=\"fill: var(--chart-text, #444)\">S{}</text>",
            x0 + bar,
            H - BOTTOM + 15.0,
            p.number
        );
    }
    if let Some(avg) = v.average {
        let y = y_of(avg);
        let _ = write!(
            out,
            "<line class=\"chart-average\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke-width=\"2\" stroke-dasharray=\"6 4\" style=\"stroke: var(--chart-average, #b35900)\"/>",
            W - RIGHT
        );
    }
    legend(
        &mut out,
        &[
            ("committed", "#9aa5b1", "Committed"),
            ("completed", "#1f6feb", "Completed"),
            ("average", "#b35900", "Average"),
        ],
    );
    out.push_str("</svg>");
    out
}

fn legend(out: &mut String, entries: &[(&str, &str, &str)]) {
    let mut x = LEFT;
    let y = H - 6.0;
    for (class, fallback, label) in entries {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" style=\"fill: var(--chart-{class}, {fallback})\"/>\
<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"11\" style=\"fill: var(--chart-text, #444)\">{label}</text>",
            y - 9.0,
            x + 14.0
        );
        x += 14.0 + 7.0 * label.len() as f64 + 14.0;
    }
}

/// Cumulative scope and done points for each day of a sprint.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnupDay {
    pub day: Date,
    pub scope: f64,
    pub done: f64,
}

/// Scope (items added so far) and done (items finished so far) for each day from `start` to
/// `end`; items without `added_on` count from the start, done items without `done_on` at the
/// end. Scope is at the start's estimates until the last day, so the first day shows what the
/// velocity chart calls planned; a re-estimate and a dropped item (whose day no tracker
/// export gives) move the scope on the last day, when both lines reach the sprint's final
/// figures; the done line counts in the same estimates, so it never rises above the scope.
pub fn burnup(start: Date, end: Date, items: &[Item]) -> Vec<BurnupDay> {
    let mut days = Vec::new();
    let mut d = start;
    while d <= end && days.len() < 366 {
        let estimate = |i: &Item| {
            if d < end {
                i.points_at_start.unwrap_or(i.points)
            } else {
                i.points
            }
        };
        let scope = items
            .iter()
            .filter(|i| i.status != Status::Dropped || i.done_on.is_some() || d < end)
            .filter(|i| i.added_on.is_none_or(|a| a <= d))
            .map(estimate)
            .sum();
        let done = items
            .iter()
            .filter(|i| i.status == Status::Done)
            .filter(|i| i.done_on.map_or(d == end, |x| x <= d))
            .map(estimate)
            .sum();
        days.push(BurnupDay {
            day: d,
            scope,
            done,
        });
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    days
}

/// A burnup chart: the scope line and the done line over the days of the sprint.
pub fn burnup_svg(days: &[BurnupDay], id: &str) -> String {
    let (scope_end, done_end) = days.last().map_or((0.0, 0.0), |d| (d.scope, d.done));
    let desc = format!(
        "Points in scope and points done for each day of the sprint: {} in scope and {} done at the end.",
        fmt_num(scope_end),
        fmt_num(done_end)
    );
    let label = |d: &BurnupDay| d.day.strftime("%-d %b").to_string();
    let labels = days
        .first()
        .zip(days.last())
        .map(|(a, b)| (label(a), label(b)));
    lines_svg(
        days,
        id,
        "Sprint burnup: scope and done points by day",
        &desc,
        labels,
    )
}

/// A Product Goal's burnup across sprints: scope and done at the end of sprints `numbers`.
pub fn goal_burnup_svg(points: &[BurnupDay], numbers: &[u32], id: &str) -> String {
    let (scope_end, done_end) = points.last().map_or((0.0, 0.0), |d| (d.scope, d.done));
    let desc = format!(
        "Points in scope and points done at the end of each sprint from sprint {} to sprint {}: {} in scope and {} done at the end.",
        numbers.first().copied().unwrap_or(0),
        numbers.last().copied().unwrap_or(0),
        fmt_num(scope_end),
        fmt_num(done_end)
    );
    let labels = numbers
        .first()
        .zip(numbers.last())
        .map(|(a, b)| (format!("Sprint {a}"), format!("Sprint {b}")));
    lines_svg(
        points,
        id,
        "Goal burnup: scope and done points by sprint",
        &desc,
        labels,
    )
}

/// Share of the plan finished in each of a team's last sprints, as small bars: a 100 % line,
/// one bar per sprint (none for a sprint that planned nothing).
pub fn predictability_svg(sprints: &[(u32, Option<f64>)], id: &str) -> String {
    const PW: f64 = 96.0;
    const PH: f64 = 32.0;
    let mut out = String::new();
    let said: Vec<String> = sprints
        .iter()
        .map(|(n, p)| match p {
            Some(p) => format!("sprint {n} {} %", fmt_num(*p)),
            None => format!("sprint {n} planned nothing"),
        })
        .collect();
    let _ = write!(
        out,
        "<svg class=\"spark\" viewBox=\"0 0 {PW} {PH}\" width=\"{PW}\" height=\"{PH}\" role=\"img\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">Share of the plan finished: {}</title>",
        esc(&said.join(", "))
    );
    let top = 4.0;
    let base = PH - 2.0;
    let full = base - top;
    let _ = write!(
        out,
        "<line x1=\"0\" x2=\"{PW}\" y1=\"{top}\" y2=\"{top}\" stroke-width=\"1\" stroke-dasharray=\"3 2\" style=\"stroke: var(--chart-grid, #c8ccd2)\"/>"
    );
    let slot = PW / sprints.len().max(1) as f64;
    for (k, (_, p)) in sprints.iter().enumerate() {
        let Some(p) = p else { continue };
        let h = (full * p.min(120.0) / 100.0).max(1.0);
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" style=\"fill: var(--chart-completed, #1f6feb)\"/>",
            slot * k as f64 + slot * 0.2,
            (base - h).max(0.0),
            slot * 0.6
        );
    }
    out.push_str("</svg>");
    out
}

fn lines_svg(
    days: &[BurnupDay],
    id: &str,
    title: &str,
    desc: &str,
    labels: Option<(String, String)>,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    let top = nice_max(days.iter().map(|d| d.scope.max(d.done)).fold(0.0, f64::max));
    y_axis(&mut out, top);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let step = plot_w / (days.len().saturating_sub(1).max(1)) as f64;
    let point = |i: usize, v: f64| (LEFT + step * i as f64, TOP + plot_h - plot_h * v / top);
    for (class, fallback, pick) in [
        (
            "scope",
            "#9aa5b1",
            (|d: &BurnupDay| d.scope) as fn(&BurnupDay) -> f64,
        ),
        ("done", "#1f6feb", |d: &BurnupDay| d.done),
    ] {
        let pts: Vec<String> = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (x, y) = point(i, pick(d));
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"chart-{class}\" fill=\"none\" stroke-width=\"2.5\" points=\"{}\" style=\"stroke: var(--chart-{class}, {fallback})\"/>",
            pts.join(" ")
        );
    }
    if let Some((first, last)) = labels {
        for (i, text, anchor) in [(0, first, "start"), (days.len() - 1, last, "end")] {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"11\" style=\"fill: var(--chart-text, #444)\">{}</text>",
                point(i, 0.0).0,
                H - BOTTOM + 15.0,
                esc(&text)
            );
        }
    }
    legend(
        &mut out,
        &[("scope", "#9aa5b1", "Scope"), ("done", "#1f6feb", "Done")],
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::metrics::{Sprint, Velocity, VelocityPoint, velocity};
    use jiff::civil::date;

    fn item(points: f64, status: Status, added: Option<Date>, done: Option<Date>) -> Item {
        Item {
            id: format!("i{points}"),
            points,
            points_at_start: None,
            business_value: 0.0,
            status,
            added_on: added,
            done_on: done,
        }
    }

    #[test]
    fn predictability_bars_scale_to_the_plan_and_stop_at_120_percent() {
        let svg = predictability_svg(
            &[
                (1, Some(100.0)),
                (2, Some(50.0)),
                (3, None),
                (4, Some(150.0)),
            ],
            "p",
        );
        assert!(svg.contains("<title id=\"p-title\">Share of the plan finished: sprint 1 100 %, sprint 2 50 %, sprint 3 planned nothing, sprint 4 150 %</title>"), "{svg}");
        // 96 px wide, four slots of 24; bars 0.6 of a slot from 0.2 in; 100 % is 26 px high
        // (from y 4 to the base at 30), 150 % is drawn as 120 %, clipped at the top.
        let rects: Vec<&str> = svg.split("<rect ").skip(1).collect();
        let geometry: Vec<String> = rects
            .iter()
            .map(|r| r.split(" style").next().unwrap().to_string())
            .collect();
        assert_eq!(
            geometry,
            [
                "x=\"4.8\" y=\"4.0\" width=\"14.4\" height=\"26.0\"",
                "x=\"28.8\" y=\"17.0\" width=\"14.4\" height=\"13.0\"",
                "x=\"76.8\" y=\"0.0\" width=\"14.4\" height=\"31.2\"",
            ]
        );
    }

    #[test]
    fn burnup_counts_scope_and_done_by_day() {
        let (start, end) = (date(2026, 3, 2), date(2026, 3, 5));
        let items = [
            item(3.0, Status::Done, None, Some(date(2026, 3, 3))),
            item(5.0, Status::Done, Some(date(2026, 3, 4)), None),
            item(2.0, Status::InProgress, None, None),
        ];
        let days = burnup(start, end, &items);
        let rows: Vec<(f64, f64)> = days.iter().map(|d| (d.scope, d.done)).collect();
        assert_eq!(rows, [(5.0, 0.0), (5.0, 3.0), (10.0, 3.0), (10.0, 8.0)]);
    }

    #[test]
    fn burnup_starts_at_the_planned_figure_and_ends_at_the_re_estimate() {
        let (start, end) = (date(2026, 3, 2), date(2026, 3, 4));
        let mut a = item(5.0, Status::Done, None, Some(date(2026, 3, 3)));
        a.points_at_start = Some(3.0);
        let days = burnup(start, end, &[a]);
        let rows: Vec<(f64, f64)> = days.iter().map(|d| (d.scope, d.done)).collect();
        assert_eq!(rows, [(3.0, 0.0), (3.0, 3.0), (5.0, 5.0)]);
    }

    #[test]
    fn a_dropped_item_is_in_the_plan_until_the_last_day() {
        let (start, end) = (date(2026, 3, 2), date(2026, 3, 4));
        let items = [
            item(3.0, Status::Dropped, None, None),
            item(2.0, Status::Done, None, Some(date(2026, 3, 3))),
        ];
        let days = burnup(start, end, &items);
        let rows: Vec<(f64, f64)> = days.iter().map(|d| (d.scope, d.done)).collect();
        assert_eq!(rows, [(5.0, 0.0), (5.0, 2.0), (2.0, 2.0)]);
    }

    #[test]
    fn nice_axis_tops() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(17.0), 20.0);
        assert_eq!(nice_max(24.0), 25.0);
        assert_eq!(nice_max(42.0), 50.0);
        assert_eq!(nice_max(100.0), 100.0);
    }

    fn three_sprints() -> Vec<Sprint> {
        let mk = |n: u32, committed: f64, done: f64| {
            let start = date(2026, 1, 5) + jiff::Span::new().days(14 * i64::from(n - 1));
            Sprint {
                number: n,
                start,
                end: start + jiff::Span::new().days(11),
                items: vec![
                    item(done, Status::Done, None, None),
                    item(committed - done, Status::Todo, None, None),
                ],
                actions: vec![],
            }
        };
        vec![mk(1, 20.0, 18.0), mk(2, 24.0, 15.0), mk(3, 22.0, 22.0)]
    }

    #[test]
    fn velocity_chart_is_accessible_svg() {
        let svg = velocity_svg(&velocity(&three_sprints(), 2, 3), "v1");
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"v1-title\">"));
        assert!(svg.contains("Average completed: 18.3 points."));
        assert!(svg.contains("var(--chart-completed"));
        assert!(!svg.contains("<script"));
        insta::assert_snapshot!(svg.replace("><", ">\n<"));
    }

    #[test]
    fn velocity_bars_narrow_to_fit_many_sprints() {
        // 318 px of plot: three sprints get 106 px each and the widest bars, 28 px; twelve get
        // 26.5 px each and bars of 0.35 of that, 9.3 px.
        let point = |number| VelocityPoint {
            number,
            committed: 10.0,
            completed: 8.0,
        };
        let widths = |n: u32| {
            let v = Velocity {
                sprints: (1..=n).map(point).collect(),
                average: Some(8.0),
                min: Some(8.0),
                max: Some(8.0),
            };
            let svg = velocity_svg(&v, "v");
            let mut w: Vec<String> = svg
                .split("<rect class=\"chart-")
                .skip(1)
                .map(|r| {
                    r.split("width=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .collect();
            w.dedup();
            w
        };
        assert_eq!(widths(3), ["28.0"]);
        assert_eq!(widths(12), ["9.3"]);
    }

    #[test]
    fn burnup_chart_snapshot() {
        let items = [
            item(3.0, Status::Done, None, Some(date(2026, 3, 3))),
            item(
                5.0,
                Status::Done,
                Some(date(2026, 3, 4)),
                Some(date(2026, 3, 5)),
            ),
        ];
        let svg = burnup_svg(&burnup(date(2026, 3, 2), date(2026, 3, 5), &items), "b1");
        assert!(svg.contains("8 in scope and 8 done at the end"));
        insta::assert_snapshot!(svg.replace("><", ">\n<"));
    }
}
