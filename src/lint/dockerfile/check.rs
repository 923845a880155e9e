//! The Dockerfile rules, evaluated stage by stage with each stage's variables in scope.

use std::collections::BTreeMap;

use super::{
    DockerRule, Dockerfile, Options, Stage, TOOL, arg_declarations, env_declarations, nonroot_base,
    substitute,
};
use crate::evidence::{Category, Finding, FindingSet, Location, Severity};
use crate::lint::image_ref::ImageRef;

type Vars = BTreeMap<String, Option<String>>;

/// What a stage's last `USER` says: the resolved user, or the variable that could not be.
#[derive(Clone)]
struct User {
    value: Result<String, String>,
    line: usize,
}

/// Per stage: the environment it ends with (inherited by stages built from it), its effective
/// user, and its exposed ports.
struct StageState {
    env: Vars,
    user: Option<User>,
    exposed: Vec<(usize, Result<String, String>)>,
}

/// Evaluates the enabled rules; findings are in line order.
pub fn check(path: &str, df: &Dockerfile, options: &Options) -> FindingSet {
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let globals: Vars = df
        .global_args
        .iter()
        .map(|(k, v)| {
            let value = options.build_args.get(k).cloned().or_else(|| v.clone());
            (k.clone(), value)
        })
        .collect();
    let finding = |rule: DockerRule, line: usize, package: String, message: String| Finding {
        id: rule.id().to_string(),
        severity: Severity::High,
        category: Category::Misconfiguration,
        message,
        location: Some(Location {
            path: path.to_string(),
            line: Some(line as u64),
        }),
        package: Some(package),
        installed_version: None,
        fixed_version: None,
        fixable: true,
        fingerprint: None,
        tool: TOOL.to_string(),
    };

    let mut states: Vec<StageState> = Vec::with_capacity(df.stages.len());
    for (index, stage) in df.stages.iter().enumerate() {
        let base = base_stage(df, index, &globals);
        if base.is_none() && options.enabled(DockerRule::UnpinnedBaseImage) {
            let label = stage.label(index);
            match substitute(&stage.from, &globals) {
                Err(var) => findings.push(finding(
                    DockerRule::UnpinnedBaseImage,
                    stage.line,
                    label.clone(),
                    format!(
                        "FROM {} ({label}): build argument `{var}` has no default, so the base image cannot be told; give it a default or set it in the check's build_args",
                        stage.from
                    ),
                )),
                Ok(image) if image.eq_ignore_ascii_case("scratch") => {}
                Ok(image) => {
                    if let Some(why) = ImageRef::parse(&image).unpinned() {
                        findings.push(finding(
                            DockerRule::UnpinnedBaseImage,
                            stage.line,
                            label.clone(),
                            format!("base image `{image}` ({label}) {why}; pin a version tag or a digest"),
                        ));
                    }
                }
            }
        }
        let inherited = base.map(|b| &states[b]);
        states.push(walk(stage, &globals, inherited, options));
    }

    let Some(last) = df.stages.len().checked_sub(1) else {
        return FindingSet::default();
    };
    let final_label = df.stages[last].label(last);
    if options.enabled(DockerRule::RootUser) {
        let user = &states[last].user;
        let base = external_base(df, last, &globals);
        let problem = match user {
            None => match base
                .as_deref()
                .and_then(|b| nonroot_base(b, &options.nonroot_bases).map(|why| (b, why)))
            {
                Some((b, why)) => {
                    notes.push(format!(
                        "{path}: the final stage ({final_label}) sets no USER and runs as its base image's user: `{b}` is a non-root base ({why})"
                    ));
                    None
                }
                None => Some((
                    df.stages[last].line,
                    format!(
                        "the final stage ({final_label}) sets no USER: the image runs as the user of its base `{}`, which is not known to be non-root; add a non-root USER (a numeric UID such as 1001 works everywhere)",
                        base.as_deref().unwrap_or("?")
                    ),
                )),
            },
            Some(User {
                value: Err(var),
                line,
            }) => Some((
                *line,
                format!(
                    "the final stage's USER uses `{var}`, which has no value here, so it cannot be shown not to be root; give it a default or set it in the check's build_args"
                ),
            )),
            Some(User { value: Ok(u), line }) if is_root(u) => Some((
                *line,
                format!("the final stage ({final_label}) runs as USER {u}; use a non-root user"),
            )),
            Some(_) => None,
        };
        if let Some((line, msg)) = problem {
            findings.push(finding(
                DockerRule::RootUser,
                line,
                final_label.clone(),
                msg,
            ));
        }
    }
    if options.enabled(DockerRule::PrivilegedPort) {
        let mut chain = vec![last];
        while let Some(b) = chain.last().and_then(|&s| base_stage(df, s, &globals)) {
            if chain.contains(&b) {
                break;
            }
            chain.push(b);
        }
        for &s in chain.iter().rev() {
            for (line, port) in &states[s].exposed {
                match port {
                    Err(var) => notes.push(format!(
                        "{path}:{line}: EXPOSE uses `{var}`, which has no value here; the port is not checked"
                    )),
                    Ok(p) => {
                        if let Some(n) = port_number(p)
                            && n <= 1024
                        {
                            findings.push(finding(
                                DockerRule::PrivilegedPort,
                                *line,
                                format!("{}/{n}", df.stages[s].label(s)),
                                format!("EXPOSE {p}: the image listens on a port below 1025; listen above 1024"),
                            ));
                        }
                    }
                }
            }
        }
    }
    findings.sort_by_key(|f| {
        (
            f.location.as_ref().and_then(|l| l.line),
            f.id.clone(),
            f.message.clone(),
        )
    });
    let mut set = FindingSet::default();
    for f in findings {
        set.push(f);
    }
    set.notes = notes;
    set
}

/// The external image the stage `index` is ultimately built from (following `FROM <stage>`),
/// after substitution; `None` when it cannot be told.
fn external_base(df: &Dockerfile, index: usize, globals: &Vars) -> Option<String> {
    let mut at = index;
    for _ in 0..df.stages.len() {
        match base_stage(df, at, globals) {
            Some(b) if b != at => at = b,
            Some(_) => return None,
            None => return substitute(&df.stages[at].from, globals).ok(),
        }
    }
    None
}

/// The earlier stage `index` is built from, when its `FROM` (after substitution) names one.
fn base_stage(df: &Dockerfile, index: usize, globals: &Vars) -> Option<usize> {
    let stage = &df.stages[index];
    stage.base_stage.or_else(|| {
        let resolved = substitute(&stage.from, globals).ok()?.to_lowercase();
        df.stages[..index]
            .iter()
            .position(|s| s.name.as_deref() == Some(resolved.as_str()))
    })
}

fn walk(stage: &Stage, globals: &Vars, base: Option<&StageState>, options: &Options) -> StageState {
    let mut env = base.map(|b| b.env.clone()).unwrap_or_default();
    let mut scope = env.clone();
    let mut user = base.and_then(|b| b.user.clone());
    let mut exposed = Vec::new();
    for ins in &stage.instructions {
        match ins.keyword.as_str() {
            "ARG" => {
                for (name, default) in arg_declarations(&ins.args) {
                    let value = options
                        .build_args
                        .get(&name)
                        .cloned()
                        .or(default)
                        .or_else(|| globals.get(&name).cloned().flatten());
                    scope.insert(name, value);
                }
            }
            "ENV" => {
                for (name, value) in env_declarations(&ins.args) {
                    let value = substitute(&value, &scope).ok();
                    scope.insert(name.clone(), value.clone());
                    env.insert(name, value);
                }
            }
            "USER" => {
                user = Some(User {
                    value: substitute(ins.args.trim(), &scope),
                    line: ins.line,
                });
            }
            "EXPOSE" => {
                for word in ins.args.split_whitespace() {
                    exposed.push((ins.line, substitute(word, &scope)));
                }
            }
            _ => {}
        }
    }
    StageState { env, user, exposed }
}

/// `root`, `0`, `root:root`, `0:0`, `00` (and an empty user, which the builder refuses): the
/// user part is what decides; group 0 is fine.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name.is_empty() || name == "root" || name.bytes().all(|b| b == b'0')
}

/// `8080`, `8080/tcp`, `8000-8010/udp` → the lowest port.
fn port_number(spec: &str) -> Option<u32> {
    let port = spec.split('/').next()?;
    let low = port.split('-').next()?;
    low.trim().parse().ok()
}
