use super::*;

fn p(text: &str) -> Patch {
    parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn err(text: &str) -> ParseError {
    parse(text.as_bytes()).expect_err("an error")
}

const GIT: &str = "\
diff --git a/src/app.py b/src/app.py
index 3b18e51..a9c4d2e 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,4 +1,5 @@
 import os
-x = 1
+x = 2
+y = 3
 
 def f():
@@ -10,2 +11,3 @@ def g():
     a = 1
+    b = 2
     return a
\\ No newline at end of file
diff --git a/new file.py b/new file.py
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/new file.py\t
@@ -0,0 +1,2 @@
+print(1)
+print(2)
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-print(0)
diff --git a/old/name.py b/new/name.py
similarity index 90%
rename from old/name.py
rename to new/name.py
diff --git a/logo.png b/logo.png
index 1..2 100644
Binary files a/logo.png and b/logo.png differ
";

#[test]
fn a_git_diff_gives_each_file_its_new_lines() {
    let patch = p(GIT);
    let names: Vec<(&str, ChangeKind)> = patch
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.kind))
        .collect();
    assert_eq!(
        names,
        vec![
            ("src/app.py", ChangeKind::Modified),
            ("new file.py", ChangeKind::Added),
            ("gone.py", ChangeKind::Deleted),
            ("new/name.py", ChangeKind::Renamed),
            ("logo.png", ChangeKind::Modified),
        ]
    );
    let app = &patch.files[0];
    assert_eq!(app.added, vec![(2, 3), (12, 12)]);
    assert_eq!((app.lines_added, app.lines_removed), (3, 1));
    assert_eq!(patch.files[1].added, vec![(1, 2)]);
    assert!(patch.files[2].added.is_empty());
    assert_eq!(patch.files[3].old_path.as_deref(), Some("old/name.py"));
    assert!(patch.files[4].binary);
    assert_eq!((patch.lines_added(), patch.lines_removed()), (5, 2));
}

#[test]
fn crlf_no_prefix_and_unified_zero() {
    let text = "diff --git src/a.py src/a.py\r\n--- src/a.py\r\n+++ src/a.py\r\n@@ -3,0 +4,2 @@\r\n+a\r\n+b\r\n@@ -9 +11 @@\r\n-c\r\n+d\r\n";
    let patch = p(text);
    assert_eq!(patch.files[0].path, "src/a.py");
    assert_eq!(patch.files[0].added, vec![(4, 5), (11, 11)]);
}

#[test]
fn a_top_level_folder_named_a_survives_no_prefix() {
    let text = "diff --git a/x.py a/x.py\n--- a/x.py\n+++ a/x.py\n@@ -1 +1 @@\n-1\n+2\n";
    assert_eq!(p(text).files[0].path, "a/x.py");
}

#[test]
fn mnemonic_prefixes_and_quoted_names() {
    let text = "diff --git \"i/caf\\303\\251.py\" \"w/caf\\303\\251.py\"\n--- \"i/caf\\303\\251.py\"\n+++ \"w/caf\\303\\251.py\"\n@@ -1 +1 @@\n-1\n+2\n";
    assert_eq!(p(text).files[0].path, "café.py");
}

#[test]
fn a_plain_diff_u_with_timestamps() {
    let text = "--- lib/m.c\t2024-01-01 10:00:00.000000000 +0100\n+++ lib/m.c\t2024-01-02 10:00:00.000000000 +0100\n@@ -1,2 +1,3 @@\n a\n+b\n c\n--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n x\n+y\n";
    let patch = p(text);
    assert_eq!(patch.files.len(), 2);
    assert_eq!(patch.files[0].path, "lib/m.c");
    assert_eq!(patch.files[0].added, vec![(2, 2)]);
    assert_eq!(patch.files[1].path, "x");
    assert_eq!(patch.files[1].added, vec![(2, 2)]);
}

#[test]
fn a_format_patch_mail_skips_its_message() {
    let text = "From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] fix\n\nbody --- not a header\n---\n x | 1 +\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n x\n+y\n-- \n2.43.0\n";
    let patch = p(text);
    assert_eq!(patch.files.len(), 1);
    assert_eq!(patch.files[0].added, vec![(2, 2)]);
}

#[test]
fn empty_input_is_an_empty_change() {
    assert_eq!(p(""), Patch::default());
    assert_eq!(p("\n\n"), Patch::default());
}

#[test]
fn hostile_diffs_fail_at_their_line() {
    let over = err("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n");
    assert_eq!(
        over.position,
        Some(super::super::Position::LineCol { line: 6, column: 1 })
    );
    assert!(over.message.contains("line 3"), "{over}");
    let early = err("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\nrandom\n");
    assert!(early.to_string().starts_with("5:1:"), "{early}");
    let cut = err("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n");
    assert!(cut.message.contains("truncated"), "{cut}");
    assert!(err("--- a/x\nhello\n").message.contains("+++"));
    assert!(
        err("--- a/x\n+++ b/x\n@@ -a +1 @@\n")
            .message
            .contains("not a line number")
    );
    assert!(
        err("@@ -1 +1 @@\n-a\n+b\n")
            .message
            .contains("before any file")
    );
    assert!(
        err("just some text\n")
            .message
            .contains("not a unified diff")
    );
    assert!(err("diff --cc x\n").message.contains("combined"));
    assert!(
        err("--- a/x\n+++ b/x\n@@ -1 +0,1 @@\n")
            .message
            .contains("line 0")
    );
    assert!(
        err("--- a/x\n+++ b/x\n@@ -1 +4294967295,9 @@\n")
            .message
            .contains("beyond")
    );
    assert!(err("diff --git \"a/x b/x\n").message.contains("closing"));
}

#[test]
fn truncation_and_garbage_never_panic() {
    let bytes = GIT.as_bytes();
    for end in 0..bytes.len() {
        let _ = parse(&bytes[..end]);
    }
    let mut x: u32 = 7;
    for _ in 0..2000 {
        let mut junk = Vec::new();
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let alphabet = b"@+- \\\n\"dif-gt/ab0123,";
            junk.push(alphabet[x as usize % alphabet.len()]);
        }
        let _ = parse(&junk[..]);
    }
}

#[test]
fn a_large_diff_streams_fast() {
    let mut text = String::from("diff --git a/big.rs b/big.rs\n--- a/big.rs\n+++ b/big.rs\n");
    for i in 0..20_000u32 {
        text.push_str(&format!(
            "@@ -{0},1 +{0},2 @@\n-old\n+new\n+more\n",
            i * 10 + 1
        ));
    }
    let start = std::time::Instant::now();
    let patch = p(&text);
    assert_eq!(patch.files[0].added.len(), 20_000);
    assert_eq!(patch.lines_added(), 40_000);
    assert!(start.elapsed().as_secs() < 5);
}
