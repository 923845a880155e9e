//! Post-deployment sampling: wait, then query an endpoint repeatedly until its answer has been
//! good for long enough, as Argo Rollouts analysis runs and Azure DevOps deployment gates do.
//!
//! A rule's check carries a `sampling` block: wait `delay`, take up to `count` samples every
//! `interval`, and stop as soon as `consecutive` successive samples meet the `until` criteria (the
//! same `metric: "<op> value"` language as `expect`, usually the same criteria). The loop is IO
//! and lives in fetch; deciding stays pure: this module hands back *one* sample for evaluation.
//! - when the run was reached, the last sample (which met `until`);
//! - when sampling gave up (count exhausted, or its deadline), the most recent sample that did
//!   *not* meet `until`, so the rule is judged on a bad sample and cannot pass by luck of timing;
//!   an unreachable last bad sample stays a `Missing`;
//! - when every sample met but too few were taken before the deadline, a `Missing` (`timeout`).
//!
//! Notes on the evidence say how many samples were taken and how many met. Progress is reported
//! to the run's [`Progress`], which the command layer shows (a line on a terminal, log lines in
//! CI).

use std::time::Duration;

use tokio::time::Instant;

use crate::evidence::{Missing, MissingReason, ValueSet};
use crate::fetch::Progress;
use crate::model::request::Sampling;

/// What the sampler leaves before the overall fetch deadline, to report instead of being cut off.
const DEADLINE_MARGIN: Duration = Duration::from_secs(2);

/// Takes samples until the run is reached or sampling gives up; see the module doc.
pub async fn run<Take, Fut, Judge>(
    sampling: &Sampling,
    label: &str,
    overall_deadline: Instant,
    progress: &dyn Progress,
    mut take: Take,
    judge: Judge,
) -> Result<ValueSet, Missing>
where
    Take: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<ValueSet, Missing>>,
    Judge: Fn(&ValueSet) -> bool,
{
    let timing = sampling
        .timing()
        .map_err(|e| Missing::new(MissingReason::ParseError, e))?;
    let started = Instant::now();
    let own_deadline = started + timing.deadline;
    let cut = overall_deadline
        .checked_sub(DEADLINE_MARGIN)
        .unwrap_or(overall_deadline);
    let (deadline, cut_short) = if cut < own_deadline {
        (cut, true)
    } else {
        (own_deadline, false)
    };
    let task = format!("sampling {label}");
    if !timing.delay.is_zero() {
        if started + timing.delay >= deadline {
            return Err(Missing::new(
                MissingReason::Timeout,
                format!(
                    "sampling {label}: the delay of {} ends after the run's deadline; raise --deadline",
                    human(timing.delay)
                ),
            ));
        }
        progress.step(
            &task,
            &format!("waiting {} before the first sample", human(timing.delay)),
        );
        tokio::time::sleep(timing.delay).await;
    }
    let need = sampling.consecutive;
    let (mut taken, mut met_total, mut run) = (0u32, 0u32, 0u32);
    let mut last_bad: Option<Result<ValueSet, Missing>> = None;
    let why_stopped = loop {
        let sample_started = Instant::now();
        taken += 1;
        let sample = take().await;
        let ok = matches!(&sample, Ok(v) if judge(v));
        if ok {
            run += 1;
            met_total += 1;
        } else {
            run = 0;
        }
        let state = match &sample {
            Ok(_) if ok => "met".to_string(),
            Ok(_) => "not met".to_string(),
            Err(m) => format!("no answer ({})", m.reason.as_str()),
        };
        progress.step(
            &task,
            &format!(
                "sample {taken}/{}: {state} ({run}/{need} in a row)",
                sampling.count
            ),
        );
        if run >= need {
            progress.finish(&task);
            let mut values = sample.unwrap_or_default();
            values.notes.push(format!(
                "sampled {taken} time(s) over {}: {met_total} met `until`, the last {need} in a row",
                human(started.elapsed())
            ));
            return Ok(values);
        }
        if !ok {
            last_bad = Some(sample);
        }
        if taken >= sampling.count {
            break format!("after {taken} samples");
        }
        let next = sample_started + timing.interval;
        if next > deadline {
            break if cut_short {
                format!("at the run's --deadline, after {taken} samples")
            } else {
                format!("at its deadline, after {taken} samples")
            };
        }
        tokio::time::sleep_until(next).await;
    };
    progress.finish(&task);
    let summary =
        format!("sampling gave up {why_stopped}: {met_total} met `until`, never {need} in a row");
    match last_bad {
        Some(Ok(mut values)) => {
            values.notes.push(format!(
                "{summary}; judged on the last sample that did not meet `until`"
            ));
            Ok(values)
        }
        Some(Err(missing)) => Err(Missing::new(
            missing.reason,
            format!("{summary}; the last bad sample: {}", missing.detail),
        )),
        None => Err(Missing::new(MissingReason::Timeout, summary)),
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{}ms", d.as_millis())
    } else if s < 120.0 {
        format!("{}s", s.round())
    } else {
        format!("{}m{:02}s", (s / 60.0).floor(), (s % 60.0).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Value;
    use crate::model::Dur;
    use crate::model::request::Sampling;
    use std::sync::{Arc, Mutex};

    fn sampling(count: u32, consecutive: u32) -> Sampling {
        Sampling {
            delay: Some(Dur::parse("10s").unwrap()),
            interval: Dur::parse("30s").unwrap(),
            count,
            consecutive,
            deadline: None,
            until: [("value".to_string(), "< 0.05".to_string())].into(),
        }
    }

    fn vs(v: f64) -> ValueSet {
        let mut s = ValueSet::default();
        s.values.insert("x".into(), Value::Number(v));
        s
    }

    fn good(v: &ValueSet) -> bool {
        matches!(v.values.get("x"), Some(Value::Number(n)) if *n < 0.05)
    }

    /// Runs the sampler over scripted samples (None = unreachable) with a paused clock.
    async fn script(
        s: &Sampling,
        samples: Vec<Option<f64>>,
    ) -> (Result<ValueSet, Missing>, u32, Duration) {
        let calls = Arc::new(Mutex::new(0u32));
        let c = calls.clone();
        let queue = Arc::new(Mutex::new(samples.into_iter()));
        let start = Instant::now();
        let far = start + Duration::from_secs(100_000);
        let out = run(
            s,
            "test",
            far,
            &crate::fetch::LogProgress,
            move || {
                *c.lock().unwrap() += 1;
                let next = queue.lock().unwrap().next().flatten();
                async move {
                    next.map(vs)
                        .ok_or_else(|| Missing::new(MissingReason::Unreachable, "down"))
                }
            },
            good,
        )
        .await;
        let n = *calls.lock().unwrap();
        (out, n, start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn passes_on_consecutive_good_samples_and_stops_early() {
        let s = sampling(10, 3);
        let (out, n, took) = script(
            &s,
            vec![Some(0.2), Some(0.01), Some(0.02), Some(0.03), Some(0.9)],
        )
        .await;
        let v = out.unwrap();
        assert_eq!(v.values["x"], Value::Number(0.03));
        assert_eq!(n, 4);
        assert_eq!(took, Duration::from_secs(10 + 3 * 30));
        assert!(v.notes[0].contains("sampled 4 time(s)"), "{:?}", v.notes);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_with_the_last_bad_sample() {
        let s = sampling(5, 3);
        let (out, n, _) = script(
            &s,
            vec![Some(0.01), Some(0.01), Some(0.3), Some(0.01), Some(0.01)],
        )
        .await;
        let v = out.unwrap();
        assert_eq!(n, 5);
        assert_eq!(v.values["x"], Value::Number(0.3));
        assert!(
            v.notes[0].contains("gave up after 5 samples: 4 met"),
            "{:?}",
            v.notes
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_last_bad_sample_stays_missing() {
        let s = sampling(3, 2);
        let (out, _, _) = script(&s, vec![Some(0.3), None, Some(0.01)]).await;
        let m = out.unwrap_err();
        assert_eq!(m.reason, MissingReason::Unreachable);
        assert!(
            m.detail.contains("the last bad sample: down"),
            "{}",
            m.detail
        );
    }

    #[tokio::test(start_paused = true)]
    async fn all_good_but_too_few_before_the_deadline_is_a_timeout() {
        let mut s = sampling(10, 5);
        s.deadline = Some(Dur::parse("75s").unwrap());
        let (out, n, _) = script(&s, vec![Some(0.01); 10]).await;
        let m = out.unwrap_err();
        assert_eq!(m.reason, MissingReason::Timeout);
        assert_eq!(n, 3, "samples at 10s, 40s, 70s; the next would be at 100s");
        assert!(m.detail.contains("at its deadline"), "{}", m.detail);
    }

    #[tokio::test(start_paused = true)]
    async fn the_run_deadline_cuts_sampling_short() {
        let s = sampling(10, 10);
        let start = Instant::now();
        let out = run(
            &s,
            "t",
            start + Duration::from_secs(60),
            &crate::fetch::LogProgress,
            || async { Ok(vs(0.0)) },
            good,
        )
        .await;
        let m = out.unwrap_err();
        assert!(m.detail.contains("--deadline"), "{}", m.detail);
        assert!(start.elapsed() < Duration::from_secs(60));
    }
}
