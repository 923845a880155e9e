//! The namespace quota: what every workload asks for, summed and compared with the quota.

use super::check::Out;
use super::quantity::{self, format_bytes};
use super::workload::{Container, field};
use super::{RuleId, TOOL, Totals};
use crate::evidence::{Finding, format_number};

/// A pod's limits as the scheduler counts them: the larger of the app containers' sum and the
/// largest init container. Returns the number of missing cpu/memory limits too.
pub(super) fn pod_limits(containers: &[Container<'_>]) -> (Totals, u64) {
    let mut app = Totals::default();
    let mut init = Totals::default();
    let mut missing = 0u64;
    for c in containers {
        let limits = c.get("resources").and_then(|r| field(r, "limits"));
        let get = |k: &str| limits.and_then(|l| field(l, k)).and_then(quantity::of_node);
        let cpu = get("cpu");
        let memory = get("memory");
        let gpu = get("nvidia.com/gpu").or_else(|| get("amd.com/gpu"));
        missing += u64::from(cpu.is_none()) + u64::from(memory.is_none());
        let (cpu, memory, gpu) = (
            cpu.unwrap_or(0.0),
            memory.unwrap_or(0.0),
            gpu.unwrap_or(0.0),
        );
        if c.init {
            init.cpu = init.cpu.max(cpu);
            init.memory = init.memory.max(memory);
            init.gpu = init.gpu.max(gpu);
        } else {
            app.cpu += cpu;
            app.memory += memory;
            app.gpu += gpu;
        }
    }
    (
        Totals {
            cpu: app.cpu.max(init.cpu),
            memory: app.memory.max(init.memory),
            gpu: app.gpu.max(init.gpu),
        },
        missing,
    )
}

pub(super) fn quota_findings(out: &mut Out<'_>, totals: &Totals, q: &super::Quota) {
    let checks = [
        ("cpu", totals.cpu, q.cpu, format_number as fn(f64) -> String),
        ("memory", totals.memory, q.memory, format_bytes),
        ("gpu", totals.gpu, q.gpu, format_number),
    ];
    for (what, total, quota, show) in checks {
        if let Some(quota) = quota
            && total > quota + 1e-9
        {
            out.findings.push(Finding {
                id: RuleId::Quota.id().to_string(),
                severity: RuleId::Quota.severity(),
                category: RuleId::Quota.category(),
                message: format!(
                    "the {what} limits of all workloads add up to {} (replicas included), over the quota of {}",
                    show(total),
                    show(quota)
                ),
                location: None,
                package: None,
                installed_version: None,
                fixed_version: None,
                fixable: true,
                fingerprint: None,
                tool: TOOL.to_string(),
            });
        }
    }
}
