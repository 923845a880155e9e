//! Rules on containers: resources, pull policy, privileges, and the images they run.

use super::check::{Out, is_set, key_line};
use super::secrets::env_secrets;
use super::workload::{Container, Workload, field, int, items, path, text};
use super::{Object, RuleId};
use crate::evidence::Severity;
use crate::yaml::NodeKind;

pub(super) fn container_rules(out: &mut Out<'_>, w: &Workload<'_>, c: &Container<'_>) {
    let o = w.object;
    let name = Some(c.name.as_str());
    let what = if c.init {
        "init container"
    } else {
        "container"
    };
    if out.on(RuleId::Resources) {
        let res = c.get("resources");
        let missing: Vec<String> = [
            ("requests", "cpu"),
            ("requests", "memory"),
            ("limits", "cpu"),
            ("limits", "memory"),
        ]
        .into_iter()
        .filter(|(s, r)| !is_set(res.and_then(|n| path(n, &[s, r]))))
        .map(|(s, r)| format!("{s}.{r}"))
        .collect();
        if !missing.is_empty() {
            out.push(
                RuleId::Resources,
                RuleId::Resources.severity(),
                o,
                key_line(c.node, "resources").unwrap_or(c.line()),
                name,
                format!("{what} sets no {}", missing.join(", ")),
            );
        }
    }
    if out.on(RuleId::Probes) && !c.init && !w.is_batch() {
        let has = |k: &str| is_set(c.get(k));
        let (live, ready, startup) = (
            has("livenessProbe"),
            has("readinessProbe"),
            has("startupProbe"),
        );
        let problem = if !live && !ready && !startup {
            Some((
                RuleId::Probes.severity(),
                "container has no liveness, readiness or startup probe",
            ))
        } else if !live {
            Some((Severity::Medium, "container has no liveness probe"))
        } else if !ready && !startup {
            Some((Severity::Medium, "container has no readiness probe"))
        } else {
            None
        };
        if let Some((sev, msg)) = problem {
            out.push(RuleId::Probes, sev, o, c.line(), name, msg.into());
        }
    }
    image_rules(out, o, c, what);
    if out.on(RuleId::PlainSecret) {
        env_secrets(out, w, c);
    }
    if out.on(RuleId::SecurityContext)
        && let Some(sc) = c.get("securityContext")
    {
        let mut set: Vec<&str> = [
            "runAsUser",
            "runAsGroup",
            "allowPrivilegeEscalation",
            "privileged",
        ]
        .into_iter()
        .filter(|k| is_set(field(sc, k)))
        .collect();
        if !items(path(sc, &["capabilities", "add"])).is_empty() {
            set.push("capabilities.add");
        }
        if !set.is_empty() {
            out.push(
                RuleId::SecurityContext,
                RuleId::SecurityContext.severity(),
                o,
                key_line(c.node, "securityContext").unwrap_or(c.line()),
                name,
                format!(
                    "{what} securityContext imposes {}; leave them to the platform",
                    set.join(", ")
                ),
            );
        }
    }
    if out.on(RuleId::Ports) {
        for p in items(c.get("ports")) {
            if let Some(port) = int(field(p, "containerPort"))
                && port <= 1024
            {
                out.push(
                    RuleId::Ports,
                    RuleId::Ports.severity(),
                    o,
                    p.span.line,
                    name,
                    format!("{what} listens on port {port}; listen above 1024"),
                );
            }
        }
    }
    if out.on(RuleId::ReadOnlyRoot) {
        let ro = c
            .get("securityContext")
            .and_then(|sc| field(sc, "readOnlyRootFilesystem"))
            .is_some_and(|n| matches!(n.kind, NodeKind::Bool(true)));
        if !ro && !mounts_writable_volume(w, c) {
            out.push(
                RuleId::ReadOnlyRoot,
                RuleId::ReadOnlyRoot.severity(),
                o,
                c.line(),
                name,
                format!(
                    "{what} mounts no writable volume: the platform runs containers with a read-only root filesystem (EXI-ARCH-18), so mount the paths it writes to (/tmp) as emptyDir volumes, or set readOnlyRootFilesystem: true to show it runs that way"
                ),
            );
        }
    }
}

/// Whether the container mounts a volume it can write to (emptyDir, a claim, an ephemeral
/// volume): where a container on a read-only root filesystem writes.
fn mounts_writable_volume(w: &Workload<'_>, c: &Container<'_>) -> bool {
    let writable: Vec<String> = items(field(w.spec, "volumes"))
        .iter()
        .filter(|v| {
            ["emptyDir", "persistentVolumeClaim", "ephemeral"]
                .iter()
                .any(|k| field(v, k).is_some())
        })
        .filter_map(|v| field(v, "name").and_then(text))
        .collect();
    items(c.get("volumeMounts")).iter().any(|m| {
        let read_only =
            field(m, "readOnly").is_some_and(|n| matches!(n.kind, NodeKind::Bool(true)));
        !read_only
            && field(m, "name")
                .and_then(text)
                .is_some_and(|n| writable.contains(&n))
    })
}

pub(super) fn image_rules(out: &mut Out<'_>, o: &Object, c: &Container<'_>, what: &str) {
    let name = Some(c.name.as_str());
    let image_node = c.get("image");
    let image = image_node.and_then(text).unwrap_or_default();
    let line = image_node.map_or(c.line(), |n| n.span.line);
    if out.on(RuleId::ImageTag) {
        let why = if image.trim().is_empty() {
            Some("has no image")
        } else {
            crate::lint::image_ref::ImageRef::parse(&image).unpinned()
        };
        if let Some(why) = why {
            let msg = if image.trim().is_empty() {
                format!("{what} {why}")
            } else {
                format!("image `{image}` {why}; pin a version tag or a digest")
            };
            out.push(
                RuleId::ImageTag,
                RuleId::ImageTag.severity(),
                o,
                line,
                name,
                msg,
            );
        }
    }
    if out.on(RuleId::PullPolicy)
        && let Some(p) = c.get("imagePullPolicy")
        && let Some(policy) = text(p)
        && policy != "IfNotPresent"
    {
        out.push(
            RuleId::PullPolicy,
            RuleId::PullPolicy.severity(),
            o,
            p.span.line,
            name,
            format!("imagePullPolicy is {policy}; set IfNotPresent or leave it out"),
        );
    }
    if out.on(RuleId::Registry) && !image.trim().is_empty() {
        let allowed = out.options.registries.iter().any(|prefix| {
            if prefix.ends_with('/') {
                image.starts_with(prefix.as_str())
            } else {
                image.starts_with(&format!("{prefix}/"))
            }
        });
        if !allowed {
            let hint = if crate::lint::image_ref::ImageRef::parse(&image)
                .registry()
                .is_none()
            {
                " (it names no registry host; the platform's policy compares the image as written)"
            } else {
                ""
            };
            out.push(
                RuleId::Registry,
                RuleId::Registry.severity(),
                o,
                line,
                name,
                format!(
                    "image `{image}` is not from an allowed registry ({}){hint}",
                    out.options.registries.join(", ")
                ),
            );
        }
    }
}
