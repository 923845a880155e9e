use super::*;

const GOOD: &str = include_str!("../../../tests/fixtures/dockerfile/good.Dockerfile");
const BAD: &str = include_str!("../../../tests/fixtures/dockerfile/bad.Dockerfile");
const INHERITED: &str =
    include_str!("../../../tests/fixtures/dockerfile/inherited-user.Dockerfile");
const WINDOWS: &str = include_str!("../../../tests/fixtures/dockerfile/windows.Dockerfile");

fn findings(text: &str, options: &Options) -> Vec<(String, u64, String)> {
    let df = parse(text).expect("parses");
    check("Dockerfile", &df, options)
        .findings
        .into_iter()
        .map(|f| (f.id, f.location.unwrap().line.unwrap(), f.message))
        .collect()
}

#[test]
fn the_good_dockerfile_has_no_findings_and_heredocs_are_skipped() {
    assert_eq!(findings(GOOD, &Options::default()), []);
    let ins = instructions(GOOD).unwrap();
    let keywords: Vec<(&str, usize)> = ins.iter().map(|i| (i.keyword.as_str(), i.line)).collect();
    assert_eq!(
        keywords,
        [
            ("ARG", 5),
            ("ARG", 6),
            ("FROM", 8),
            ("WORKDIR", 9),
            ("COPY", 10),
            ("RUN", 11),
            ("RUN", 16),
            ("COPY", 20),
            ("RUN", 24),
            ("FROM", 26),
            ("ENV", 27),
            ("WORKDIR", 28),
            ("COPY", 29),
            ("EXPOSE", 30),
            ("USER", 31),
            ("CMD", 32),
        ]
    );
    assert_eq!(ins[5].args, "npm ci     --no-audit     --no-fund");
    let df = parse(GOOD).unwrap();
    assert_eq!(df.stages.len(), 2);
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
}

#[test]
fn the_bad_dockerfile_reports_each_problem_at_its_line() {
    let got = findings(BAD, &Options::default());
    let ids: Vec<(&str, u64)> = got.iter().map(|(id, l, _)| (id.as_str(), *l)).collect();
    assert_eq!(
        ids,
        [
            ("unpinned-base-image", 2),
            ("unpinned-base-image", 6),
            ("unpinned-base-image", 9),
            ("privileged-port", 11),
            ("root-user", 14),
        ],
        "{got:#?}"
    );
    assert_eq!(
        got[0].2,
        "base image `python` (deps) has no tag (it means `latest`); pin a version tag or a digest"
    );
    assert!(
        got[1]
            .2
            .contains("build argument `PYTHON_TAG` has no default"),
        "{}",
        got[1].2
    );
    assert_eq!(
        got[3].2,
        "EXPOSE 80: the image listens on a port below 1025; listen above 1024"
    );
    assert_eq!(
        got[4].2,
        "the final stage (stage 3) runs as USER root; use a non-root user"
    );
}

#[test]
fn build_args_resolve_tags_and_rules_filter() {
    let options = Options {
        rules: vec![DockerRule::UnpinnedBaseImage],
        build_args: [("PYTHON_TAG".to_string(), "3.12-slim".to_string())].into(),
        ..Options::default()
    };
    let got = findings(BAD, &options);
    let lines: Vec<u64> = got.iter().map(|(_, l, _)| *l).collect();
    assert_eq!(lines, [2, 9]);
    let options = Options {
        rules: vec![DockerRule::UnpinnedBaseImage],
        build_args: [("PYTHON_TAG".to_string(), "latest".to_string())].into(),
        ..Options::default()
    };
    assert_eq!(findings(BAD, &options).len(), 3);
}

#[test]
fn a_stage_built_from_another_inherits_its_user_and_ports() {
    let got = findings(INHERITED, &Options::default());
    assert_eq!(
        got,
        [(
            "privileged-port".to_string(),
            6,
            "EXPOSE 443: the image listens on a port below 1025; listen above 1024".to_string()
        )]
    );
}

#[test]
fn the_backtick_escape_directive_and_crlf() {
    let ins = instructions(WINDOWS).unwrap();
    let lines: Vec<(&str, usize)> = ins.iter().map(|i| (i.keyword.as_str(), i.line)).collect();
    assert_eq!(lines, [("FROM", 3), ("RUN", 4), ("USER", 7), ("EXPOSE", 8)]);
    assert!(ins[1].args.contains(r"C:\Users\"), "{}", ins[1].args);
    assert_eq!(findings(WINDOWS, &Options::default()), []);
}

#[test]
fn users_that_count_as_root_and_the_ones_that_do_not() {
    for (user, root) in [
        ("root", true),
        ("0", true),
        ("0:0", true),
        ("root:app", true),
        ("000", true),
        ("1001", false),
        ("1001:0", false),
        ("app", false),
        ("rooter", false),
    ] {
        let text = format!("FROM scratch\nUSER {user}\n");
        let got = findings(&text, &Options::default());
        assert_eq!(got.len(), usize::from(root), "USER {user}: {got:?}");
    }
    let got = findings("FROM scratch\nUSER $NOBODY\n", &Options::default());
    assert_eq!(got.len(), 1);
    assert!(got[0].2.contains("`NOBODY`"), "{}", got[0].2);
    let got = findings(
        "FROM alpine:3.20 AS a\nUSER app\nFROM alpine:3.20\n",
        &Options::default(),
    );
    assert_eq!(
        got.len(),
        1,
        "a USER in an earlier, unrelated stage does not count"
    );
    assert_eq!(got[0].1, 3);
}

#[test]
fn substitution_forms() {
    let vars: BTreeMap<String, Option<String>> = [
        ("A".to_string(), Some("1".to_string())),
        ("E".to_string(), Some(String::new())),
        ("U".to_string(), None),
    ]
    .into();
    assert_eq!(substitute("x$A-${A}", &vars).unwrap(), "x1-1");
    assert_eq!(substitute("${U:-d}${E:-d}${A:-d}", &vars).unwrap(), "dd1");
    assert_eq!(substitute("${E-d}${U-d}", &vars).unwrap(), "d");
    assert_eq!(substitute("${A:+y}${E:+y}${A+z}", &vars).unwrap(), "yz");
    assert_eq!(substitute("${U}", &vars), Err("U".to_string()));
    assert_eq!(substitute("$MISSING", &vars), Err("MISSING".to_string()));
    assert_eq!(substitute("cost: $5 and $", &vars), Err("5".to_string()));
    assert_eq!(substitute("${A", &vars), Err("{A".to_string()));
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    assert!(parse("").is_err());
    assert!(parse("# just a comment\nRUN echo\n").is_err());
    let err = parse("FROM alpine:3\nRUN <<EOF\necho hi\n").unwrap_err();
    assert!(err.message.contains("not terminated"), "{err}");
    assert!(parse("# escape=x\nFROM a:1\n").is_err());
    for text in [
        "FROM",
        "FROM \\",
        "\\\n\\",
        "FROM a:1\nUSER\n",
        "FROM a:1\nEXPOSE /tcp -\n",
        "ARG ==\nFROM ${=}\n",
    ] {
        if let Ok(df) = parse(text) {
            let _ = check("x", &df, &Options::default());
        }
    }
}

#[test]
fn recommended_non_root_bases_need_no_user_and_others_do() {
    let final_stage = |from: &str, user: &str| {
        format!(
            "FROM golang:1.23 AS build\nRUN go build\nFROM {from}\n{user}COPY --from=build /app /app\n"
        )
    };
    let pass = [
        ("gcr.io/distroless/java21-debian12:nonroot", ""),
        ("gcr.io/distroless/python3:nonroot", ""),
        ("gcr.io/distroless/static-debian12:debug-nonroot", ""),
        ("cgr.dev/chainguard/static:latest", ""),
        ("bitnami/nginx:1.27.3", ""),
        ("docker.io/bitnami/node:22", ""),
        ("nginxinc/nginx-unprivileged:1.31-alpine", ""),
        ("registry.access.redhat.com/ubi9/openjdk-21:1.21", ""),
        ("debian:12", "USER 1001\n"),
        ("debian:12", "USER 65532:0\n"),
        ("debian:12", "USER app\n"),
    ];
    for (from, user) in pass {
        let got = findings(&final_stage(from, user), &Options::default());
        assert!(
            got.iter().all(|(id, _, _)| id != "root-user"),
            "{from} {user:?}: {got:?}"
        );
    }
    let fail = [
        ("debian:12", ""),
        ("gcr.io/distroless/java21-debian12:latest", ""),
        ("gcr.io/distroless/java21-debian12:debug", ""),
        ("bitnami/minideb:bookworm", ""),
        ("cgr.dev/chainguard/python:latest-dev", ""),
        ("registry.access.redhat.com/ubi9/ubi-minimal:9.4", ""),
        ("nginx:1.27", ""),
        ("debian:12", "USER 0\n"),
        ("gcr.io/distroless/python3:nonroot", "USER root\n"),
    ];
    for (from, user) in fail {
        let got = findings(&final_stage(from, user), &Options::default());
        assert!(
            got.iter().any(|(id, _, _)| id == "root-user"),
            "{from} {user:?}: {got:?}"
        );
    }
    let own = Options {
        nonroot_bases: vec!["registry.example/base/*".into()],
        ..Options::default()
    };
    let text = final_stage("registry.example/base/jre:21", "");
    assert!(
        findings(&text, &Options::default())
            .iter()
            .any(|(id, _, _)| id == "root-user")
    );
    assert!(findings(&text, &own).is_empty());
    let via_stage = "FROM gcr.io/distroless/static:nonroot AS base\nFROM base\nCOPY app /app\n";
    assert!(
        findings(via_stage, &Options::default()).is_empty(),
        "the base is followed through stages"
    );
}
