//! Sprint metrics as pure functions of the sprints, each unit-tested on hand-computed cases:
//! committed, completed, completion, unplanned work, carry-over, business value, velocity,
//! forecast, and the follow-up of retro actions.

use jiff::civil::Date;
use serde::Serialize;

/// Where a backlog item stands at the end of a sprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Todo,
    InProgress,
    Done,
    Dropped,
}

/// A backlog item as it stood in one sprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub points: f64,
    /// The estimate when the sprint started, when it was re-estimated during the sprint; the
    /// plan counts this figure, and the difference is a re-estimate, not a change of scope.
    pub points_at_start: Option<f64>,
    pub business_value: f64,
    pub status: Status,
    /// When the item entered the sprint; after the start means unplanned work.
    pub added_on: Option<Date>,
    pub done_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Done,
}

/// A retro action as recorded in one sprint's retro; the same `id` may appear again later
/// with a new status.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: String,
    pub text: String,
    pub owner: String,
    pub due: Option<Date>,
    pub status: ActionStatus,
}

/// One sprint, as the metrics need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sprint {
    pub number: u32,
    pub start: Date,
    pub end: Date,
    pub items: Vec<Item>,
    pub actions: Vec<Action>,
}

impl Item {
    fn unplanned(&self, sprint: &Sprint) -> bool {
        self.added_on.is_some_and(|d| d > sprint.start)
    }

    /// The points the plan counted: the estimate at the start of the sprint.
    fn planned_points(&self) -> f64 {
        self.points_at_start.unwrap_or(self.points)
    }
}

/// The numbers of one sprint report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SprintMetrics {
    /// Points of the items planned at the start, as estimated at the start (dropped ones
    /// included: they were promised).
    pub committed_points: f64,
    /// Planned items whose estimate changed during the sprint; not scope change.
    pub reestimated: Vec<Reestimate>,
    /// The sum of those changes (new estimate − estimate at the start).
    pub reestimated_points: f64,
    /// Points of every item done in the sprint, planned or not.
    pub completed_points: f64,
    /// Done planned points ÷ planned points, both at today's estimates (so a re-estimate moves
    /// neither side alone); `None` when nothing was committed.
    pub completion_ratio: Option<f64>,
    /// Points of items that entered after the start.
    pub unplanned_points: f64,
    /// Unplanned ÷ all points in the sprint; `None` for an empty sprint.
    pub unplanned_share: Option<f64>,
    pub business_value_delivered: f64,
    pub dropped_points: f64,
    /// Items that were already in earlier sprints, with how many earlier sprints held them.
    pub carried_over: Vec<CarriedOver>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reestimate {
    pub id: String,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarriedOver {
    pub id: String,
    pub times: usize,
}

/// Metrics of `sprints[index]`; earlier sprints (by position) tell what was carried over.
pub fn sprint_metrics(sprints: &[Sprint], index: usize) -> SprintMetrics {
    let sprint = &sprints[index];
    let planned = || sprint.items.iter().filter(|i| !i.unplanned(sprint));
    let committed_points: f64 = planned().map(Item::planned_points).sum();
    let planned_now: f64 = planned().map(|i| i.points).sum();
    let reestimated: Vec<Reestimate> = planned()
        .filter(|i| i.points_at_start.is_some_and(|p| p != i.points))
        .map(|i| Reestimate {
            id: i.id.clone(),
            from: i.planned_points(),
            to: i.points,
        })
        .collect();
    let done_planned: f64 = planned()
        .filter(|i| i.status == Status::Done)
        .map(|i| i.points)
        .sum();
    let completed_points: f64 = sprint
        .items
        .iter()
        .filter(|i| i.status == Status::Done)
        .map(|i| i.points)
        .sum();
    let unplanned_points: f64 = sprint
        .items
        .iter()
        .filter(|i| i.unplanned(sprint))
        .map(|i| i.points)
        .sum();
    let all_points = committed_points + unplanned_points;
    let carried_over = sprint
        .items
        .iter()
        .filter_map(|item| {
            let times = sprints[..index]
                .iter()
                .filter(|s| s.items.iter().any(|i| i.id == item.id))
                .count();
            (times > 0).then(|| CarriedOver {
                id: item.id.clone(),
                times,
            })
        })
        .collect();
    SprintMetrics {
        committed_points,
        completed_points,
        completion_ratio: (planned_now > 0.0).then(|| done_planned / planned_now),
        reestimated_points: planned_now - committed_points,
        reestimated,
        unplanned_points,
        unplanned_share: (all_points > 0.0).then(|| unplanned_points / all_points),
        business_value_delivered: sprint
            .items
            .iter()
            .filter(|i| i.status == Status::Done)
            .map(|i| i.business_value)
            .sum(),
        dropped_points: sprint
            .items
            .iter()
            .filter(|i| i.status == Status::Dropped)
            .map(|i| i.points)
            .sum(),
        carried_over,
    }
}

/// Completed points of the last `n` sprints up to and including `index`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Velocity {
    pub sprints: Vec<VelocityPoint>,
    pub average: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VelocityPoint {
    pub number: u32,
    pub committed: f64,
    pub completed: f64,
}

pub fn velocity(sprints: &[Sprint], index: usize, n: usize) -> Velocity {
    let from = (index + 1).saturating_sub(n);
    let points: Vec<VelocityPoint> = (from..=index)
        .map(|i| {
            let m = sprint_metrics(sprints, i);
            VelocityPoint {
                number: sprints[i].number,
                committed: m.committed_points,
                completed: m.completed_points,
            }
        })
        .collect();
    let done = || points.iter().map(|p| p.completed);
    let count = points.len() as f64;
    Velocity {
        average: (!points.is_empty()).then(|| done().sum::<f64>() / count),
        min: done().reduce(f64::min),
        max: done().reduce(f64::max),
        sprints: points,
    }
}

/// Sprints still needed for `open_points`, from the fastest, average and slowest velocity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub open_points: f64,
    pub fewest: u32,
    pub likely: u32,
    pub most: u32,
}

/// `None` when there is no velocity to forecast from (no sprint, or nothing ever done).
pub fn forecast(open_points: f64, v: &Velocity) -> Option<Forecast> {
    let (avg, min, max) = (v.average?, v.min?, v.max?);
    if max <= 0.0 {
        return None;
    }
    let sprints_at = |speed: f64| -> u32 {
        if open_points <= 0.0 {
            0
        } else if speed <= 0.0 {
            u32::MAX
        } else {
            (open_points / speed).ceil() as u32
        }
    };
    Some(Forecast {
        open_points,
        fewest: sprints_at(max),
        likely: sprints_at(avg),
        most: sprints_at(min),
    })
}

/// Retro actions seen from one sprint: the open ones of earlier retros, and those closed now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub open: Vec<OpenAction>,
    pub closed_this_sprint: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAction {
    pub id: String,
    pub text: String,
    pub owner: String,
    /// The sprint whose retro raised it.
    pub raised_in: u32,
    /// Sprints since then.
    pub age: u32,
    pub overdue: bool,
}

/// Follow-up of actions raised in retros before `sprints[index]`, as known at its end.
pub fn follow_up(sprints: &[Sprint], index: usize) -> FollowUp {
    let current = &sprints[index];
    let mut first_seen: Vec<(&str, u32)> = Vec::new();
    for s in &sprints[..=index] {
        for a in &s.actions {
            if !first_seen.iter().any(|(id, _)| *id == a.id) {
                first_seen.push((&a.id, s.number));
            }
        }
    }
    let latest = |id: &str, upto: usize| -> Option<&Action> {
        sprints[..=upto]
            .iter()
            .rev()
            .find_map(|s| s.actions.iter().find(|a| a.id == id))
    };
    let mut open = Vec::new();
    let mut closed_this_sprint = Vec::new();
    for &(id, raised_in) in &first_seen {
        if raised_in >= current.number {
            continue;
        }
        let Some(now) = latest(id, index) else {
            continue;
        };
        match now.status {
            ActionStatus::Open => open.push(OpenAction {
                id: id.to_string(),
                text: now.text.clone(),
                owner: now.owner.clone(),
                raised_in,
                age: current.number - raised_in,
                overdue: now.due.is_some_and(|d| d < current.end),
            }),
            ActionStatus::Done => {
                let before = index
                    .checked_sub(1)
                    .and_then(|prev| latest(id, prev))
                    .map(|a| a.status);
                if before == Some(ActionStatus::Open) && current.actions.iter().any(|a| a.id == id)
                {
                    closed_this_sprint.push(id.to_string());
                }
            }
        }
    }
    FollowUp {
        open,
        closed_this_sprint,
    }
}

#[cfg(test)]
mod tests;
