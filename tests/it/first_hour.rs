//! A new user's first hour: reading the rules without a gonogo.yaml, the first (short) verdict
//! of an unconfigured project, the same in French, an offline run before pushing, and the HTML
//! page of where the project stands.

use serde_json::Value;

use crate::support::{Project, example, gonogo, ran, without_services};

/// An empty folder with `stage: 3` and nothing else: every rule lacks its evidence.
fn unconfigured_stage3() -> Project {
    let p = Project::new();
    p.write("gonogo.yaml", "stage: 3\n");
    p
}

fn ids(verdict: &Value) -> Vec<String> {
    verdict["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reading_the_rules_needs_no_configuration_and_says_so() {
    let p = Project::new();
    let (code, out, err) = p.run(&["rules"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("CPN-S1-01") && out.contains("CPN-S5-14"),
        "{out}"
    );
    assert!(
        err.contains("no gonogo.yaml here, and none is needed"),
        "{err}"
    );

    let (code, out, err) = p.run(&["explain", "--stage", "3"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("CPN-S3-03") && out.contains("CPN-S1-01"),
        "{out}"
    );
    assert!(
        err.contains("no gonogo.yaml here: showing the default pack `cloud-pi-native`"),
        "{err}"
    );

    let (code, out, _) = p.run(&["explain", "--stage", "sandbox", "--format", "json"]);
    assert_eq!(code, 0);
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert!(plan.to_string().contains("CPN-S3-03"));

    // In a project that has one, `rules` says nothing more.
    p.write("gonogo.yaml", "stage: 1\n");
    let (code, _, err) = p.run(&["rules"]);
    assert_eq!(code, 0);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn an_unconfigured_stage3_verdict_fits_a_screen_and_names_every_rule() {
    let p = unconfigured_stage3();
    let (code, verdict) = p.check_json(&[]);
    assert_eq!(code, 1);
    let all = ids(&verdict);
    assert!(all.len() > 40, "{}", all.len());

    let (code, out, err) = p.run(&["check"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() <= 100, "{} lines:\n{out}", lines.len());
    // The first two lines are the decision and the counts, as always.
    assert_eq!(
        lines[0],
        "NO-GO  stage 3 sandbox (cloud-pi-native) · nonprod"
    );
    let c = &verdict["counts"];
    assert_eq!(
        lines[1],
        format!(
            "   {} failed · {} warned · {} inconclusive · 0 waived · 0 passed",
            c["fail"], c["warn"], c["inconclusive"]
        )
    );
    for id in &all {
        assert!(out.contains(id.as_str()), "{id} is not named:\n{out}");
    }
    // One cause, named once per section, with its rules and the one thing to do.
    assert!(out.contains(
        "  source `app` is not configured in gonogo.yaml  [fail]\n      2 rules: CPN-S3-12, CPN-S3-16\n      → add `sources: {app: {kind: …, url: …}}` to gonogo.yaml"
    ), "{out}");
    assert_eq!(out.matches("15 rules: CPN-K8S-01").count(), 1, "{out}");
    assert!(out.contains("-v shows each rule in full"));

    // -v: every rule in full, as before.
    let (code, verbose, _) = p.run(&["check", "-v"]);
    assert_eq!(code, 1);
    assert!(verbose.lines().count() > 200);
    for id in &all {
        assert!(
            verbose.contains(&format!("  {id}  ")),
            "{id} has no block of its own:\n{verbose}"
        );
    }
    assert_eq!(verbose.matches("      evidence: ").count(), all.len());
    assert!(!verbose.contains("-v shows"));
}

#[test]
fn the_locale_or_lang_gives_a_french_verdict_and_the_json_stays_neutral() {
    let p = unconfigured_stage3();
    let fr = |cmd: &mut assert_cmd::Command| {
        cmd.env("LANG", "fr_FR.UTF-8");
    };
    let mut cmd = p.gonogo();
    fr(&mut cmd);
    let (code, out, _) = ran(&cmd.arg("check").output().unwrap());
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "NO-GO  étape 3 sandbox (cloud-pi-native) · nonprod"
    );
    let (_, verdict) = p.check_json(&[]);
    let c = &verdict["counts"];
    assert_eq!(
        lines[1],
        format!(
            "   {} en échec · {} en avertissement · {} non concluantes · 0 sous dérogation · 0 réussie",
            c["fail"], c["warn"], c["inconclusive"]
        )
    );
    assert!(out.contains("\nEN ÉCHEC\n") && out.contains("\nNON CONCLUANTES\n"));
    assert!(out.contains("la source `tests` n'est pas configurée dans gonogo.yaml"));
    assert!(out.contains("2 règles : CPN-S3-12, CPN-S3-16"));

    // --lang wins over the locale; LC_ALL wins over LANG.
    let mut cmd = p.gonogo();
    fr(&mut cmd);
    let (_, out, _) = ran(&cmd.args(["--lang", "en", "check"]).output().unwrap());
    assert!(out.starts_with("NO-GO  stage 3"), "{out}");
    let mut cmd = p.gonogo();
    fr(&mut cmd);
    let (_, out, _) = ran(&cmd.env("LC_ALL", "C").arg("check").output().unwrap());
    assert!(out.starts_with("NO-GO  stage 3"), "{out}");
    let (_, out, _) = p.run(&["check", "--lang", "fr", "--format", "markdown"]);
    assert!(
        out.contains("étape 3") && out.contains("| Règle |"),
        "{out}"
    );
    let (_, out, _) = p.run(&["check", "--lang", "fr", "--format", "junit"]);
    assert!(out.contains("non concluante (non configurée)"), "{out}");

    // The JSON verdict speaks no language: the same ids, outcomes and messages.
    let (_, en_json) = p.check_json(&[]);
    let (_, fr_json) = p.check_json(&["--lang", "fr"]);
    for key in ["decision", "counts", "results", "stage", "stages"] {
        assert_eq!(en_json[key], fr_json[key], "{key}");
    }
}

#[test]
fn configuration_errors_speak_the_users_language() {
    let p = Project::new();
    p.write(
        "gonogo.yaml",
        "stage: 3\nsourcs: {}\nwaivers:\n  - {rule: CPN-S3-03, reason: \"\", expires: 2027-01-01}\n",
    );
    let (code, _, err) = p.run(&["check", "--lang", "fr"]);
    assert_eq!(code, 4);
    assert!(
        err.contains("erreur : clé inconnue `sourcs` dans la racine du fichier"),
        "{err}"
    );
    assert!(
        err.contains("= aide : vouliez-vous dire `sources` ?"),
        "{err}"
    );
    assert!(err.contains("une dérogation exige une raison"), "{err}");
    assert!(err.contains("2 problèmes trouvés"), "{err}");
    let (code, _, err) = p.run(&["check"]);
    assert_eq!(code, 4);
    assert!(
        err.contains("error: unknown key `sourcs` at the top level"),
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");

    let empty = Project::new();
    let (code, _, err) = empty.run(&["check", "--lang", "fr"]);
    assert_eq!(code, 4);
    assert!(err.contains("gonogo.yaml introuvable"), "{err}");
    assert!(err.contains("`gonogo init` en écrit un"), "{err}");
}

/// The pre-release routine (docs/local.md): `check --offline` judges the file evidence and says
/// so; its exit code follows the rules it evaluated, never the ones it could not.
#[test]
fn an_offline_verdict_exits_with_what_the_evaluated_rules_decide() {
    let offline = |name: &str| {
        let mut cmd = gonogo();
        without_services(&mut cmd);
        let out = cmd
            .current_dir(example(name))
            .args([
                "check",
                "--offline",
                "--format",
                "json",
                "--output",
                "/dev/null",
            ])
            .output()
            .unwrap();
        let (code, stdout, err) = ran(&out);
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
        (code, v)
    };
    // Every file rule passes: GO · OFFLINE, exit 0, although live rules were not evaluated.
    let (code, v) = offline("stage3-go");
    assert_eq!((code, v["decision"].as_str()), (0, Some("go")));
    assert_eq!(v["offline"], true);
    assert!(v["counts"]["offline"].as_u64().unwrap() > 0);
    // A failing test report still fails: NO-GO, exit 1.
    let (code, v) = offline("stage3-nogo");
    assert_eq!((code, v["decision"].as_str()), (1, Some("no_go")));
    assert_eq!(v["offline"], true);

    // Nothing evaluated at all (every rule needs a live system) is not a GO: exit 3.
    let p = Project::new();
    p.write(
        "team.yaml",
        "pack: live\ntitle: Live only\nstages: [{number: 1, id: one, title: One}]\nrules:\n  - id: L-1\n    title: Up\n    why: w\n    reference: r\n    level: fail\n    check: {kind: http-health, source: app, path: /health}\n    expect: {status_code: \"== 200\"}\n",
    )
    .write(
        "gonogo.yaml",
        "pack: live\nstage: 1\nrules: [team.yaml]\nsources:\n  app: {kind: http, url: \"http://127.0.0.1:9\"}\n",
    );
    let (code, v) = p.check_json(&["--offline"]);
    assert_eq!(
        (code, v["decision"].as_str()),
        (3, Some("inconclusive")),
        "{v}"
    );
}

#[test]
fn the_html_page_is_self_contained_and_shows_the_path() {
    let p = unconfigured_stage3();
    let (code, md, err) = p.run(&[
        "check",
        "--next",
        "--format",
        "markdown",
        "--report",
        "html=out/gonogo.html",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        md.contains("① opportunity ✓ → ② plan ✓ → **③ sandbox** → ④ production → ⑤ excellence"),
        "{md}"
    );
    let html = std::fs::read_to_string(p.path().join("out/gonogo.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("default-src 'none'"));
    // No network and no external asset: no link, no source, no remote URL but the SVG namespace.
    for bad in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(
        !html
            .replace("http://www.w3.org/2000/svg", "")
            .contains("://"),
        "a URL in the page"
    );
    for stage in ["opportunity", "plan", "sandbox", "production", "excellence"] {
        assert!(html.contains(stage), "{stage}");
    }
    assert!(html.contains("class=\"current\""));
    assert!(
        html.contains("<meter"),
        "the next stage shows how much is met"
    );
    assert!(html.contains("CPN-K8S-17") && html.contains("CPN-S3-03"));
    // Same run in French.
    let (_, _, _) = p.run(&["check", "--lang", "fr", "--report", "html=fr.html"]);
    let fr = std::fs::read_to_string(p.path().join("fr.html")).unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Où en est le projet"));
}
