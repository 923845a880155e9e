use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

use super::*;

/// Every message of an .ftl file with the variables its value and attributes use.
fn messages(name: &str, src: &'static str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(src)
        .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                for a in &m.attributes {
                    pattern_vars(&a.value, &mut vars);
                }
                assert!(
                    out.insert(m.id.name.to_string(), vars).is_none(),
                    "{name}: `{}` is defined twice",
                    m.id.name
                );
            }
            ast::Entry::Junk { content } => panic!("{name}: cannot parse `{content}`"),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        _ => {}
    }
}

#[test]
fn both_languages_define_the_same_messages_with_the_same_variables() {
    let en = messages("en.ftl", EN_FTL);
    let fr = messages("fr.ftl", FR_FTL);
    let only_en: Vec<&String> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let only_fr: Vec<&String> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in fr.ftl: {only_en:?}");
    assert!(only_fr.is_empty(), "missing in en.ftl: {only_fr:?}");
    for (id, vars) in &en {
        assert_eq!(vars, &fr[id], "`{id}` uses other variables in fr.ftl");
    }
    assert!(en.len() > 50, "{} messages", en.len());
}

#[test]
fn no_isolation_marks_and_plurals_follow_the_language() {
    let one = t!(Lang::En, "count-failed", n = 1);
    assert_eq!(one, "1 failed");
    assert!(!one.contains('\u{2068}') && !one.contains('\u{2069}'));
    assert_eq!(t!(Lang::Fr, "rules-n", n = 1), "1 règle");
    assert_eq!(t!(Lang::Fr, "rules-n", n = 0), "0 règle");
    assert_eq!(t!(Lang::Fr, "rules-n", n = 17), "17 règles");
    assert_eq!(t!(Lang::En, "rules-n", n = 0), "0 rules");
}

#[test]
fn an_unknown_id_renders_as_itself() {
    assert_eq!(tr(Lang::Fr, "no-such-message", &[]), "no-such-message");
}

#[test]
fn the_locale_picks_the_language_as_posix_does() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Lang::from_locale(env(&[("LANG", "fr_FR.UTF-8")])), Lang::Fr);
    assert_eq!(Lang::from_locale(env(&[("LANG", "fr_CA")])), Lang::Fr);
    assert_eq!(
        Lang::from_locale(env(&[("LANG", "fr_FR.UTF-8"), ("LC_MESSAGES", "C")])),
        Lang::En
    );
    assert_eq!(
        Lang::from_locale(env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "fr_BE.UTF-8")])),
        Lang::Fr
    );
    // An empty LC_ALL does not count; a language gonogo does not speak is English.
    assert_eq!(
        Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "fr_FR")])),
        Lang::Fr
    );
    assert_eq!(Lang::from_locale(env(&[("LANG", "de_DE.UTF-8")])), Lang::En);
    assert_eq!(Lang::from_locale(env(&[])), Lang::En);
}
