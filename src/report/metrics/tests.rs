//! Tests of `metrics`.

use super::*;
use jiff::civil::date;

fn item(id: &str, points: f64, status: Status, added: Option<Date>) -> Item {
    Item {
        id: id.into(),
        points,
        points_at_start: None,
        business_value: points * 10.0,
        status,
        added_on: added,
        done_on: None,
    }
}

fn sprint(number: u32, items: Vec<Item>) -> Sprint {
    let start = date(2026, 1, 5) + jiff::Span::new().days(14 * i64::from(number - 1));
    Sprint {
        number,
        start,
        end: start + jiff::Span::new().days(11),
        items,
        actions: Vec::new(),
    }
}

fn action(id: &str, status: ActionStatus, due: Option<Date>) -> Action {
    Action {
        id: id.into(),
        text: format!("do {id}"),
        owner: "Ana".into(),
        due,
        status,
    }
}

#[test]
fn a_typical_sprint() {
    // Planned: a 5 done, b 3 done, c 8 in progress; unplanned: d 2 done (added mid-sprint).
    let mid = date(2026, 1, 8);
    let s = vec![sprint(
        1,
        vec![
            item("a", 5.0, Status::Done, None),
            item("b", 3.0, Status::Done, Some(date(2026, 1, 5))),
            item("c", 8.0, Status::InProgress, None),
            item("d", 2.0, Status::Done, Some(mid)),
        ],
    )];
    let m = sprint_metrics(&s, 0);
    assert_eq!(m.committed_points, 16.0);
    assert_eq!(m.completed_points, 10.0);
    assert_eq!(m.completion_ratio, Some(0.5));
    assert_eq!(m.unplanned_points, 2.0);
    assert_eq!(m.unplanned_share, Some(2.0 / 18.0));
    assert_eq!(m.business_value_delivered, 100.0);
    assert!(m.carried_over.is_empty());
}

#[test]
fn a_re_estimate_is_not_scope_change() {
    // Planned: a estimated 3 at the start, re-estimated to 5 and done; b 2 not done.
    let mut a = item("a", 5.0, Status::Done, None);
    a.points_at_start = Some(3.0);
    let s = vec![sprint(1, vec![a, item("b", 2.0, Status::InProgress, None)])];
    let m = sprint_metrics(&s, 0);
    assert_eq!(m.committed_points, 5.0);
    assert_eq!(m.completed_points, 5.0);
    assert_eq!(m.unplanned_points, 0.0);
    assert_eq!(m.reestimated_points, 2.0);
    assert_eq!(
        m.reestimated,
        vec![Reestimate {
            id: "a".into(),
            from: 3.0,
            to: 5.0
        }]
    );
    // 5 of the 7 planned points at today's estimates.
    assert_eq!(m.completion_ratio, Some(5.0 / 7.0));
}

#[test]
fn an_empty_sprint() {
    let m = sprint_metrics(&[sprint(1, vec![])], 0);
    assert_eq!(m.committed_points, 0.0);
    assert_eq!(m.completion_ratio, None);
    assert_eq!(m.unplanned_share, None);
}

#[test]
fn all_items_dropped() {
    let s = [sprint(
        1,
        vec![
            item("a", 3.0, Status::Dropped, None),
            item("b", 2.0, Status::Dropped, None),
        ],
    )];
    let m = sprint_metrics(&s, 0);
    assert_eq!(m.committed_points, 5.0);
    assert_eq!(m.completed_points, 0.0);
    assert_eq!(m.completion_ratio, Some(0.0));
    assert_eq!(m.dropped_points, 5.0);
}

#[test]
fn zero_committed_points() {
    let s = [sprint(1, vec![item("spike", 0.0, Status::Done, None)])];
    let m = sprint_metrics(&s, 0);
    assert_eq!(m.completion_ratio, None);
    assert_eq!(m.business_value_delivered, 0.0);
}

#[test]
fn only_unplanned_work() {
    let s = [sprint(
        1,
        vec![item("hotfix", 3.0, Status::Done, Some(date(2026, 1, 7)))],
    )];
    let m = sprint_metrics(&s, 0);
    assert_eq!(m.committed_points, 0.0);
    assert_eq!(m.completion_ratio, None);
    assert_eq!(m.unplanned_share, Some(1.0));
    assert_eq!(m.completed_points, 3.0);
}

#[test]
fn items_carried_twice() {
    let s = vec![
        sprint(1, vec![item("x", 5.0, Status::InProgress, None)]),
        sprint(
            2,
            vec![
                item("x", 5.0, Status::InProgress, None),
                item("y", 1.0, Status::Done, None),
            ],
        ),
        sprint(3, vec![item("x", 5.0, Status::Done, None)]),
    ];
    assert_eq!(
        sprint_metrics(&s, 2).carried_over,
        [CarriedOver {
            id: "x".into(),
            times: 2
        }]
    );
    assert_eq!(sprint_metrics(&s, 1).carried_over.len(), 1);
}

#[test]
fn velocity_and_forecast() {
    let s = vec![
        sprint(1, vec![item("a", 10.0, Status::Done, None)]),
        sprint(
            2,
            vec![
                item("b", 20.0, Status::Done, None),
                item("c", 5.0, Status::Todo, None),
            ],
        ),
        sprint(3, vec![item("d", 15.0, Status::Done, None)]),
    ];
    let v = velocity(&s, 2, 2);
    assert_eq!(
        v.sprints.iter().map(|p| p.number).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(v.sprints[0].committed, 25.0);
    assert_eq!(v.average, Some(17.5));
    assert_eq!((v.min, v.max), (Some(15.0), Some(20.0)));
    let f = forecast(40.0, &v).unwrap();
    assert_eq!((f.fewest, f.likely, f.most), (2, 3, 3));
    assert_eq!(forecast(0.0, &v).unwrap().likely, 0);
    assert_eq!(velocity(&s, 0, 5).sprints.len(), 1);
}

#[test]
fn no_forecast_without_velocity() {
    let s = [sprint(1, vec![item("a", 3.0, Status::Todo, None)])];
    assert_eq!(forecast(10.0, &velocity(&s, 0, 3)), None);
}

#[test]
fn retro_follow_up() {
    let mut s = vec![sprint(1, vec![]), sprint(2, vec![]), sprint(3, vec![])];
    s[0].actions = vec![
        action("a1", ActionStatus::Open, Some(date(2026, 1, 20))),
        action("a2", ActionStatus::Open, None),
    ];
    s[1].actions = vec![
        action("a2", ActionStatus::Done, None),
        action("a3", ActionStatus::Open, None),
    ];
    s[2].actions = vec![
        action("a3", ActionStatus::Done, None),
        action("a4", ActionStatus::Open, None),
    ];
    let f2 = follow_up(&s, 1);
    assert_eq!(f2.open.len(), 1);
    assert_eq!(f2.open[0].id, "a1");
    assert_eq!(f2.open[0].age, 1);
    assert!(f2.open[0].overdue, "due 20 Jan, sprint 2 ends 30 Jan");
    // Due on the last day of the sprint under review: not overdue yet.
    s[0].actions[0].due = Some(s[1].end);
    assert!(
        !follow_up(&s, 1).open[0].overdue,
        "due 30 Jan, sprint 2 ends 30 Jan"
    );
    assert_eq!(f2.closed_this_sprint, ["a2"]);
    let f3 = follow_up(&s, 2);
    assert_eq!(
        f3.open
            .iter()
            .map(|a| (a.id.as_str(), a.age))
            .collect::<Vec<_>>(),
        [("a1", 2)]
    );
    assert_eq!(f3.closed_this_sprint, ["a3"]);
}
