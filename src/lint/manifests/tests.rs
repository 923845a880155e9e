use super::*;

const GOOD: &str = include_str!("../../../tests/fixtures/k8s/good/render.yaml");
const BAD: &str = include_str!("../../../tests/fixtures/k8s/bad/render.yaml");

const GI: f64 = 1024.0 * 1024.0 * 1024.0;

/// The 1-based line of the only line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "`{needle}` must occur once: {hits:?}");
    hits[0] as u64
}

/// The n-th (1-based) line of `text` that is exactly `needle`.
fn nth_line_of(text: &str, needle: &str, n: usize) -> u64 {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == needle)
        .nth(n - 1)
        .map(|(i, _)| i as u64 + 1)
        .unwrap_or_else(|| panic!("no occurrence {n} of `{needle}`"))
}

fn options() -> Options {
    let mut o = Options::default();
    o.registries.push("harbor.cpin.example".into());
    o.quota = Some(Quota {
        cpu: Some(4.0),
        memory: Some(16.0 * GI),
        gpu: None,
    });
    o
}

fn bad_options() -> Options {
    let mut o = options();
    o.quota = Some(Quota {
        cpu: Some(2.0),
        memory: Some(16.0 * GI),
        gpu: None,
    });
    o
}

fn run(path: &str, text: &str, options: &Options) -> Report {
    let mut m = Manifests::default();
    load(path, text, &mut m).expect("fixture parses");
    check(&m, options)
}

#[test]
fn the_good_render_passes_every_rule() {
    let report = run("good/render.yaml", GOOD, &options());
    let got: Vec<String> = report
        .findings
        .findings
        .iter()
        .map(|f| format!("{} {:?}: {}", f.id, f.package, f.message))
        .collect();
    assert!(got.is_empty(), "{got:#?}");
    assert_eq!(report.objects, 9);
    assert_eq!(report.workloads, 3);
    assert_eq!(report.containers, 4);
    // api: max(app 1 core, init 0.5) x 3 (HPA max) + db 0.5 + backup 0.2
    assert!(
        (report.limits.cpu - 3.7).abs() < 1e-9,
        "{:?}",
        report.limits
    );
    assert!((report.limits.memory - 4.25 * GI).abs() < 1.0);
}

#[test]
fn the_bad_render_breaks_each_rule_once_at_its_line() {
    let report = run("bad/render.yaml", BAD, &bad_options());
    let f = &report.findings.findings;
    let got: Vec<(String, Option<u64>, String, Severity)> = f
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.location.as_ref().and_then(|l| l.line),
                f.package.clone().unwrap_or_default(),
                f.severity,
            )
        })
        .collect();
    let web = "Deployment/shop-web-dep";
    let c = |name: &str| format!("{web}/{name}");
    let want: Vec<(String, Option<u64>, String, Severity)> = vec![
        (
            "CPN-K8S-07",
            Some(line_of(BAD, "type: NodePort")),
            "Service/shop-web-svc".into(),
            Severity::High,
        ),
        (
            "CPN-K8S-09",
            Some(line_of(BAD, "DB_PASSWORD:")),
            "ConfigMap/shop-web-cm".into(),
            Severity::High,
        ),
        (
            "CPN-K8S-12",
            Some(line_of(BAD, "storage: 2Ti")),
            "PersistentVolumeClaim/shop-archive-pvc".into(),
            Severity::High,
        ),
        (
            "CPN-K8S-13",
            Some(nth_line_of(BAD, "data:", 2)),
            "Secret/shop-secret".into(),
            Severity::High,
        ),
        (
            "CPN-K8S-17",
            Some(line_of(BAD, "successfulJobsHistoryLimit: 10")),
            "CronJob/shop-report-cj".into(),
            Severity::Medium,
        ),
        (
            "CPN-K8S-14",
            Some(line_of(BAD, "name: shop-worker-dep") - 3),
            "Deployment/shop-worker-dep".into(),
            Severity::Medium,
        ),
        (
            "CPN-S4-16",
            Some(line_of(BAD, "replicas: 1")),
            web.into(),
            Severity::Medium,
        ),
        (
            "CPN-K8S-01",
            Some(line_of(BAD, "env: staging") - 2),
            web.into(),
            Severity::High,
        ),
        (
            "CPN-S4-19",
            Some(line_of(BAD, "env: staging") - 2),
            web.into(),
            Severity::Medium,
        ),
        (
            "CPN-K8S-02",
            Some(line_of(BAD, "limits: {cpu: 100m}") - 2),
            c("no-limits"),
            Severity::High,
        ),
        (
            "CPN-K8S-03",
            Some(line_of(BAD, "name: no-probes")),
            c("no-probes"),
            Severity::High,
        ),
        (
            "CPN-K8S-04",
            Some(line_of(BAD, "nginx:latest")),
            c("latest"),
            Severity::High,
        ),
        (
            "CPN-K8S-05",
            Some(line_of(BAD, "imagePullPolicy: Always")),
            c("always-pull"),
            Severity::High,
        ),
        (
            "CPN-K8S-08",
            Some(line_of(BAD, "registry.example.com")),
            c("elsewhere"),
            Severity::High,
        ),
        (
            "CPN-K8S-10",
            Some(line_of(BAD, "runAsUser: 1000") - 2),
            c("imposed-user"),
            Severity::Medium,
        ),
        (
            "CPN-K8S-11",
            Some(line_of(BAD, "containerPort: 80")),
            c("port80"),
            Severity::High,
        ),
        (
            "CPN-K8S-16",
            Some(line_of(BAD, "name: writable")),
            c("writable"),
            Severity::Medium,
        ),
        (
            "CPN-K8S-06",
            Some(line_of(BAD, "name: docker-sock")),
            web.into(),
            Severity::High,
        ),
        ("CPN-K8S-15", None, String::new(), Severity::High),
    ]
    .into_iter()
    .map(|(id, line, pkg, sev)| (id.to_string(), line, pkg, sev))
    .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got_sorted, want_sorted, "{got:#?}");
    let every: std::collections::BTreeSet<&str> = f.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(every.len(), RuleId::ALL.len(), "one finding per rule id");

    let msg = |id: &str| {
        f.iter()
            .find(|x| x.id == id)
            .map(|x| x.message.clone())
            .unwrap()
    };
    assert_eq!(
        msg("CPN-K8S-01"),
        "pod labels: missing `tier`; `env: staging` is not one of dev, formation, qualif, test, preprod, prod (template shop/templates/web.yaml)"
    );
    assert!(msg("CPN-K8S-02").starts_with("container sets no limits.memory"));
    assert!(
        msg("CPN-K8S-15").contains("add up to 3 (replicas included), over the quota of 2"),
        "{}",
        msg("CPN-K8S-15")
    );
    for x in f {
        assert!(
            !x.message.contains("do-not-print-me") && !x.message.contains("ZG8tbm90"),
            "a secret value leaked into {x:?}"
        );
        assert_eq!(x.tool, TOOL);
    }
    let cat = |id: &str| f.iter().find(|x| x.id == id).unwrap().category;
    assert_eq!(cat("CPN-K8S-01"), Category::Policy);
    assert_eq!(cat("CPN-K8S-11"), Category::Misconfiguration);
    assert!(
        report
            .findings
            .notes
            .iter()
            .any(|n| n.contains("1 container resource limit(s) missing")),
        "{:?}",
        report.findings.notes
    );
}

#[test]
fn findings_are_sorted_by_place() {
    let report = run("bad/render.yaml", BAD, &bad_options());
    let places: Vec<_> = report
        .findings
        .findings
        .iter()
        .map(|f| f.location.clone())
        .collect();
    let mut sorted = places.clone();
    sorted.sort_by_key(|l| (l.is_none(), l.clone()));
    assert_eq!(places, sorted);
    assert!(
        places.last().unwrap().is_none(),
        "the quota finding has no place and comes last"
    );
}

#[test]
fn the_rule_filter_keeps_only_the_named_rules() {
    let mut o = options();
    o.rules = vec![RuleId::Probes, RuleId::ImageTag];
    let report = run("bad/render.yaml", BAD, &o);
    let ids: Vec<&str> = report
        .findings
        .findings
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(ids, ["CPN-K8S-03", "CPN-K8S-04"]);
}

#[test]
fn a_folder_of_plain_manifests_with_a_list_and_a_values_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/k8s/kustomize");
    let mut m = Manifests::default();
    for file in [
        "deployment.yaml",
        "kustomization.yaml",
        "network/policies.yaml",
        "values.yaml",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        load(file, &text, &mut m).unwrap();
    }
    assert_eq!(
        m.objects.len(),
        3,
        "Deployment, Kustomization, NetworkPolicy"
    );
    assert_eq!(
        m.notes,
        ["values.yaml: Helm values, read for literal credentials (CPN-K8S-13)"]
    );
    assert_eq!(m.values.len(), 1);
    let np = m
        .objects
        .iter()
        .find(|o| o.kind == "NetworkPolicy")
        .unwrap();
    assert_eq!((np.path.as_str(), np.line), ("network/policies.yaml", 4));
    assert_eq!(np.source, None);
    let mut o = options();
    o.rules = RuleId::ALL[..17].to_vec();
    o.quota = None;
    let report = check(&m, &o);
    assert!(
        report.findings.findings.is_empty(),
        "{:#?}",
        report.findings.findings
    );
    o.rules = vec![RuleId::ProdLabels, RuleId::Resilience];
    let ids: Vec<String> = check(&m, &o)
        .findings
        .findings
        .iter()
        .map(|f| format!("{}@{}", f.id, f.location.as_ref().unwrap().line.unwrap()))
        .collect();
    assert_eq!(
        ids,
        ["CPN-S4-16@2", "CPN-S4-19@12", "CPN-S4-16@14"],
        "no PDB (object line), no spread (pod spec line), missing criticality/component"
    );
}

#[test]
fn helm_source_comments_follow_their_document_only() {
    let text = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
    let mut m = Manifests::default();
    load("x.yaml", text, &mut m).unwrap();
    let sources: Vec<_> = m.objects.iter().map(|o| o.source.clone()).collect();
    assert_eq!(sources, [Some("c/templates/a.yaml".to_string()), None]);
}

#[test]
fn unrendered_templates_and_bad_yaml_are_parse_errors_with_positions() {
    let mut m = Manifests::default();
    let err = load(
        "t.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\ndata:\n{{- range .Values.items }}\n  {{ .key }}: {{ .value }}\n{{- end }}\n",
        &mut m,
    )
    .unwrap_err();
    assert!(err.message.contains("unrendered Helm template"), "{err}");
    assert!(
        matches!(err.position, Some(Position::LineCol { line: 6, .. })),
        "{err:?}"
    );
    let bomb = {
        let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            t.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 10].join(", ")
            ));
        }
        t
    };
    assert!(load("bomb.yaml", &bomb, &mut m).is_err());
    assert!(m.objects.is_empty());
}

#[test]
fn configmap_values_that_assign_credentials() {
    use super::objects::credential_assignment as ca;
    assert_eq!(
        ca("spring.datasource.password=s3cret").as_deref(),
        Some("spring.datasource.password")
    );
    assert_eq!(ca("  DB_PASSWD: \"x\"").as_deref(), Some("DB_PASSWD"));
    assert_eq!(
        ca("aws_secret_key = abc").as_deref(),
        Some("aws_secret_key")
    );
    assert_eq!(ca("password=${DB_PASSWORD}"), None);
    assert_eq!(ca("password: {{ .Values.pw }}"), None);
    assert_eq!(ca("password="), None);
    assert_eq!(ca("# reset your password at the portal"), None);
    assert_eq!(ca("éé password=x").as_deref(), Some("password"));
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  app.ini: |\n    [db]\n    user = shop\n    password = hunter2\n";
    let mut m = Manifests::default();
    load("cm.yaml", text, &mut m).unwrap();
    let report = check(&m, &Options::default());
    let f = &report.findings.findings;
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "line 3 of key `app.ini` sets `password`; credentials belong in Vault, not in a ConfigMap"
    );
    assert_eq!(f[0].location.as_ref().unwrap().line, Some(5));
}

#[test]
fn probes_quota_and_names_edge_cases() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a-very-long-pod-name-that-goes-on-and-on-and-on-beyond-the-dns-label-limit\n  labels: {app: a, env: dev, tier: backend}\nspec:\n  containers:\n    - name: c\n      image: quay.io/x/y:1\n      startupProbe: {exec: {command: [true]}}\n      livenessProbe: {exec: {command: [true]}}\n      resources:\n        limits: {cpu: 1500m, memory: 1Gi, nvidia.com/gpu: 1}\n        requests: {cpu: 1, memory: 1Gi}\n      securityContext: {readOnlyRootFilesystem: true, capabilities: {add: [NET_ADMIN]}}\n";
    let mut m = Manifests::default();
    load("pod.yaml", text, &mut m).unwrap();
    let o = Options {
        quota: Some(Quota {
            cpu: Some(1.0),
            memory: None,
            gpu: Some(0.0),
        }),
        rules: vec![
            RuleId::Probes,
            RuleId::Quota,
            RuleId::HistoryAndNames,
            RuleId::SecurityContext,
        ],
        ..Options::default()
    };
    let report = check(&m, &o);
    let got: Vec<String> = report
        .findings
        .findings
        .iter()
        .map(|f| format!("{}: {}", f.id, f.message))
        .collect();
    assert_eq!(
        got,
        [
            "CPN-K8S-17: name is 74 characters long; keep names short (at most 63)",
            "CPN-K8S-10: container securityContext imposes capabilities.add; leave them to the platform",
            "CPN-K8S-15: the cpu limits of all workloads add up to 1.5 (replicas included), over the quota of 1",
            "CPN-K8S-15: the gpu limits of all workloads add up to 1 (replicas included), over the quota of 0",
        ],
        "startup + liveness satisfies the probes rule"
    );
}

#[test]
fn a_large_render_is_counted_exactly() {
    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: ns{}}}\nspec:\n  template:\n    metadata:\n      labels: {{app: d{i}, env: dev, tier: backend}}\n    spec:\n      containers:\n        - name: c\n          image: docker.io/library/nginx:latest\n",
            i % 50
        ));
    }
    for n in 0..25 {
        text.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: ns{n}}}\nspec: {{podSelector: {{}}}}\n"
        ));
    }
    let mut m = Manifests::default();
    load("big.yaml", &text, &mut m).unwrap();
    let o = Options {
        rules: vec![RuleId::ImageTag, RuleId::NetworkPolicy],
        ..Options::default()
    };
    let report = check(&m, &o);
    assert_eq!(report.objects, 2_025);
    let count = |id: &str| {
        report
            .findings
            .findings
            .iter()
            .filter(|f| f.id == id)
            .count()
    };
    assert_eq!(count("CPN-K8S-04"), 2_000);
    assert_eq!(
        count("CPN-K8S-14"),
        1_000,
        "half the namespaces have a policy"
    );
}

#[test]
fn literal_credentials_in_env_and_helm_values_are_committed_secrets() {
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: harbor.example/p/api:1.0.0
          env:
            - {name: PG_PASSWORD, value: passworddemo}
            - {name: PG_USER, value: demo}
            - name: API_TOKEN
              valueFrom: {secretKeyRef: {name: api, key: token}}
            - {name: SMTP_PASSWORD, value: '$(FROM_SECRET)'}
            - {name: DB_PASSWORD, value: 'vault:secret/data/api#db'}
";
    let values = "postgresql:
  auth:
    postgresPassword: passworddemo
    existingSecret: ''
    secretKeys: {adminPasswordKey: postgres-password}
  password: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]
app:
  token: '{{ .Values.global.token }}'
";
    let mut m = Manifests::default();
    load("render.yaml", deploy, &mut m).unwrap();
    load("chart/values.yaml", values, &mut m).unwrap();
    let options = Options {
        rules: vec![RuleId::PlainSecret],
        ..Options::default()
    };
    let got: Vec<(String, u64, String)> = check(&m, &options)
        .findings
        .findings
        .into_iter()
        .map(|f| {
            let l = f.location.unwrap();
            (l.path, l.line.unwrap(), f.message)
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!((got[0].0.as_str(), got[0].1), ("chart/values.yaml", 3));
    assert!(
        got[0].2.contains("postgresql.auth.postgresPassword"),
        "{}",
        got[0].2
    );
    assert_eq!((got[1].0.as_str(), got[1].1), ("render.yaml", 12));
    assert!(got[1].2.contains("env `PG_PASSWORD`"), "{}", got[1].2);
    assert!(
        got.iter().all(|(_, _, msg)| !msg.contains("passworddemo")),
        "the value never shows"
    );
}

#[test]
fn a_writable_volume_or_a_read_only_root_satisfies_the_read_only_rule() {
    let pod = |extra: &str, volumes: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      image: a:1\n{extra}{volumes}"
        )
    };
    let cases = [
        ("", "", 1),
        (
            "      securityContext: {readOnlyRootFilesystem: true}\n",
            "",
            0,
        ),
        (
            "      volumeMounts: [{name: tmp, mountPath: /tmp}]\n",
            "  volumes: [{name: tmp, emptyDir: {}}]\n",
            0,
        ),
        (
            "      volumeMounts: [{name: cfg, mountPath: /etc/app}]\n",
            "  volumes: [{name: cfg, configMap: {name: app}}]\n",
            1,
        ),
        (
            "      volumeMounts: [{name: tmp, mountPath: /tmp, readOnly: true}]\n",
            "  volumes: [{name: tmp, emptyDir: {}}]\n",
            1,
        ),
    ];
    for (extra, volumes, want) in cases {
        let mut m = Manifests::default();
        load("p.yaml", &pod(extra, volumes), &mut m).unwrap();
        let options = Options {
            rules: vec![RuleId::ReadOnlyRoot],
            ..Options::default()
        };
        assert_eq!(
            check(&m, &options).findings.total(),
            want,
            "{extra}{volumes}"
        );
    }
}
