use super::*;

/// Applies a unified diff to `before`, checking every context and removed line, as `patch`
/// does: the diff must take `before` to `after`.
fn apply(before: &str, diff: &str) -> String {
    let old: Vec<&str> = before.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut next = 0; // next old line (0-based) not yet copied
    let mut lines = diff.lines().skip(2).peekable();
    while let Some(header) = lines.next() {
        let nums: Vec<usize> = header
            .trim_start_matches("@@ -")
            .trim_end_matches(" @@")
            .split([',', ' ', '+'])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (start, n_old, n_new) = (nums[0], nums[1], nums[3]);
        let first = if n_old == 0 { start } else { start - 1 };
        out.extend(old[next..first].iter().map(|s| s.to_string()));
        next = first;
        let (mut seen_old, mut seen_new) = (0, 0);
        while seen_old < n_old || seen_new < n_new {
            let l = lines.next().expect("hunk line");
            let (sign, text) = l.split_at(1);
            match sign {
                " " | "-" => {
                    assert_eq!(old[next], text, "{header}");
                    next += 1;
                    seen_old += 1;
                    if sign == " " {
                        out.push(text.to_string());
                        seen_new += 1;
                    }
                }
                "+" => {
                    out.push(text.to_string());
                    seen_new += 1;
                }
                _ => panic!("bad line {l}"),
            }
        }
    }
    out.extend(old[next..].iter().map(|s| s.to_string()));
    out.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn the_format_is_diff_u() {
    let before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
    let after = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n";
    assert_eq!(
        diff(before, after, "x.json", "y.json"),
        "--- x.json\n+++ y.json\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
    );
    // Removed lines before added ones, even when the change is a mix.
    assert_eq!(
        diff("1\n2\n3\n", "1\nx\ny\n3\n", "a", "b"),
        "--- a\n+++ b\n@@ -1,3 +1,4 @@\n 1\n-2\n+x\n+y\n 3\n"
    );
    // An empty side is numbered by the line before it.
    assert_eq!(
        diff("", "a\nb\n", "a", "b"),
        "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    );
    assert_eq!(
        diff("a\nb\n", "a\n", "a", "b"),
        "--- a\n+++ b\n@@ -1,2 +1,1 @@\n a\n-b\n"
    );
    // Changes 7 lines apart share a hunk; 8 apart do not.
    let text: String = (0..30).map(|i| format!("{i}\n")).collect();
    let edit = |at: &[usize]| -> String {
        (0..30)
            .map(|i| {
                if at.contains(&i) {
                    format!("x{i}\n")
                } else {
                    format!("{i}\n")
                }
            })
            .collect()
    };
    assert_eq!(
        diff(&text, &edit(&[5, 12]), "a", "b")
            .matches("@@ -")
            .count(),
        1
    );
    assert_eq!(
        diff(&text, &edit(&[5, 13]), "a", "b")
            .matches("@@ -")
            .count(),
        2
    );
    assert_eq!(diff(&text, &text, "a", "b"), "--- a\n+++ b\n");
}

#[test]
fn diffs_apply() {
    // Pseudo-random edits (a fixed LCG, no dependency): the diff takes `before` to `after`.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for round in 0..200 {
        let before: Vec<String> = (0..rand(40)).map(|_| format!("l{}", rand(6))).collect();
        let mut after = before.clone();
        for _ in 0..rand(6) {
            let at = rand(after.len() as u64 + 1) as usize;
            match rand(3) {
                0 if at < after.len() => {
                    after.remove(at);
                }
                1 if at < after.len() => after[at] = format!("m{}", rand(6)),
                _ => after.insert(at, format!("n{}", rand(6))),
            }
        }
        let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        let (b, a) = (join(&before), join(&after));
        let d = diff(&b, &a, "a", "b");
        assert_eq!(apply(&b, &d), a, "round {round}:\n{b}\n---\n{a}\n{d}");
    }
}

#[test]
fn hidden_lines_keep_their_sign_and_the_counts() {
    let before = "k: 1\nsecret: s3cr3t\nflag: true\n";
    let after = "k: 1\nsecret: s3cr3t\nflag: false\n";
    let hidden = Hidden {
        before: [2].into(),
        after: [2].into(),
    };
    let d = diff_hiding(before, after, "a", "b", &hidden);
    assert_eq!(
        d,
        "--- a\n+++ b\n@@ -1,3 +1,3 @@\n k: 1\n <line 2 holds a credential value; not shown>\n-flag: true\n+flag: false\n"
    );
    let d = diff_hiding(
        "a\n",
        "a\nsecret\n",
        "a",
        "b",
        &Hidden {
            before: Default::default(),
            after: [2].into(),
        },
    );
    assert!(
        d.ends_with("+<line 2 holds a credential value; not shown>\n"),
        "{d}"
    );
}

/// A 30,000-line template edited in a few places: linear space and time (the LCS table of
/// this pair was 3.6 GB).
#[test]
fn large_texts_diff_in_linear_space() {
    let before: String = (0..30_000)
        .map(|i| format!("      Key{i}: value-{i}\n"))
        .collect();
    let after = before
        .replace("      Key100: value-100\n", "      Key100: changed\n")
        .replace("      Key29000: value-29000\n", "");
    let start = Instant::now();
    let d = diff(&before, &after, "a", "b");
    assert_eq!(apply(&before, &d), after);
    assert_eq!(d.matches("@@ -").count(), 2, "{d}");
    assert!(start.elapsed() < DIFF_DEADLINE, "{:?}", start.elapsed());
}
