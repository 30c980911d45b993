//! Inputs and outputs a hostile pull request can arrange: FIFOs, devices and link loops among
//! the inputs, oversized files, outputs that are inputs, and writes that fail part way. Every
//! run has a timeout: a read that blocks fails the test instead of hanging it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot")
}

/// The binary, run in `dir` (so that names in messages are relative), with a timeout.
fn cmd(dir: &Path) -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure");
    c.env("SOURCE_DATE_EPOCH", "1796000000")
        .current_dir(dir)
        .timeout(Duration::from_secs(60));
    c
}

/// A temporary folder holding a copy of the fixture snapshot in `snapshot/`.
fn snapshot_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot");
    std::fs::create_dir(&snap).unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, snap.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
fn inode(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.modified().unwrap())
}

/// A FIFO and a link to `/dev/zero` in a scanned folder are skipped with a warning naming
/// them, in the report's warnings too; the rest is scanned.
#[cfg(unix)]
#[test]
fn special_files_in_a_folder_are_skipped_with_a_warning() {
    let dir = snapshot_copy();
    mkfifo(&dir.path().join("snapshot/pipe.json"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("snapshot/zero.json")).unwrap();
    let a = cmd(dir.path())
        .args(["scan", "snapshot", "--format", "json"])
        .assert()
        .code(1);
    let err = stderr_of(&a);
    assert!(
        err.contains(
            "warning: snapshot/pipe.json: a FIFO (named pipe), not a regular file; skipped"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning: snapshot/zero.json: a symbolic link to a character device, not a regular file; skipped"),
        "{err}"
    );
    let json: Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(json["summary"]["services_scanned"], 2);
    let files: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["snapshot/pipe.json", "snapshot/zero.json"]);
}

/// A FIFO or device named on the command line is an error naming it, for every command that
/// reads files, and never a hang.
#[cfg(unix)]
#[test]
fn special_files_named_on_the_command_line_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.json"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.json")).unwrap();
    for name in ["pipe.json", "zero.json"] {
        for command in ["scan", "plan"] {
            let a = cmd(dir.path()).args([command, name]).assert().code(2);
            let err = stderr_of(&a);
            assert!(
                err.contains(&format!(
                    "error: {name}: not a regular file or folder but a "
                )),
                "{command} {name}: {err}"
            );
        }
        let a = cmd(dir.path()).args(["fix", name]).assert().code(2);
        let err = stderr_of(&a);
        assert!(
            err.contains(&format!("error: {name}: not a regular file but a ")),
            "fix {name}: {err}"
        );
    }
    let a = cmd(dir.path())
        .args(["scan", "/dev/null", "--config", "pipe.json"])
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains("/dev/null: not a regular file or folder"));
    let snap = fixture().display().to_string();
    let a = cmd(dir.path())
        .args(["scan", &snap, "--config", "pipe.json"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("error: pipe.json: not a regular file but a FIFO"),
        "{err}"
    );
}

/// `--max-file-size` is enforced on what is read, for scan, plan and fix, with an error
/// naming the file, the limit and the flag.
#[test]
fn files_over_the_size_limit_are_errors() {
    let dir = snapshot_copy();
    let too_big = "snapshot/task-definition-web.json";
    for args in [
        vec!["scan", "snapshot"],
        vec!["plan", "snapshot"],
        vec!["fix", too_big],
    ] {
        let a = cmd(dir.path())
            .args(&args)
            .args(["--max-file-size", "400"])
            .assert()
            .code(2);
        let err = stderr_of(&a);
        assert!(
            err.contains(&format!(
                "{too_big}: larger than the 400 bytes limit (--max-file-size)"
            )),
            "{args:?}: {err}"
        );
    }
    cmd(dir.path())
        .args(["scan", "snapshot", "--max-file-size", "4K"])
        .assert()
        .code(1);
    cmd(dir.path())
        .args(["scan", "snapshot", "--max-file-size", "1.5G"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a size"));
    cmd(dir.path())
        .args(["scan", "--help"])
        .assert()
        .stdout(predicate::str::contains("[default: 1GiB]"));
}

/// `/proc` files report a size of 0: the limit holds on the bytes actually read.
#[cfg(target_os = "linux")]
#[test]
fn the_limit_does_not_trust_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let a = cmd(dir.path())
        .args(["scan", "/proc/self/status", "--max-file-size", "16"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("/proc/self/status: larger than the 16 bytes limit (--max-file-size)"),
        "{err}"
    );
}

/// The suppressions file has a fixed limit of its own.
#[test]
fn an_oversized_config_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("big.toml");
    std::fs::write(&config, "#".repeat((1 << 20) + 1)).unwrap();
    let a = cmd(dir.path())
        .arg("scan")
        .arg(fixture())
        .args(["--config", "big.toml"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("big.toml: larger than the 1 MiB limit (MAX_CONFIG_BYTES"),
        "{err}"
    );
}

/// A linked folder is read; a link loop is a warning naming the link, not an endless walk.
#[cfg(unix)]
#[test]
fn linked_folders_are_followed_and_loops_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::os::unix::fs::symlink(fixture(), dir.path().join("in/snapshot")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("in/up")).unwrap();
    let a = cmd(dir.path())
        .args(["scan", "in", "--format", "json"])
        .assert()
        .code(1);
    let json: Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(json["summary"]["services_scanned"], 2);
    let err = stderr_of(&a);
    assert!(
        err.contains(
            "warning: in/up: leads back to the folder in it is in (a loop of symbolic links); not followed"
        ),
        "{err}"
    );
}

/// `fix` with nothing to apply leaves the file alone: same inode, same time, same bytes.
#[cfg(unix)]
#[test]
fn fix_with_nothing_to_apply_does_not_touch_the_file() {
    let dir = snapshot_copy();
    for name in ["task-definition-web.json", "task-definition-agent.json"] {
        let file = dir.path().join("snapshot").join(name);
        let bytes = std::fs::read(&file).unwrap();
        let before = inode(&file);
        std::thread::sleep(Duration::from_millis(20));
        let a = cmd(dir.path()).arg("fix").arg(&file).assert().code(0);
        assert!(
            stderr_of(&a).contains("no fix applied"),
            "{}",
            stderr_of(&a)
        );
        assert_eq!(inode(&file), before, "{name} was touched");
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
    }
}

/// A write that cannot be made (the output is a folder) exits 2 and leaves every file as
/// it was: the input of `fix`, an existing report.
#[test]
fn a_failed_write_leaves_the_files_intact() {
    let dir = snapshot_copy();
    let file = dir.path().join("snapshot/task-definition-agent.json");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let a = cmd(dir.path())
        .arg("fix")
        .arg(&file)
        .args(["--unsafe", "--output", "out"])
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("cannot write out: it is a folder"),
        "{}",
        stderr_of(&a)
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    for command in ["scan", "plan"] {
        let a = cmd(dir.path())
            .args([command, "snapshot", "--output", "out"])
            .assert()
            .code(2);
        assert!(stderr_of(&a).contains("cannot write out: it is a folder"));
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        0
    );
    // A report replaced by another keeps the old one whole until the new one is complete.
    std::fs::write(dir.path().join("report.txt"), "old report").unwrap();
    cmd(dir.path())
        .args(["scan", "snapshot", "--output", "report.txt"])
        .assert()
        .code(1);
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.contains("privileged"), "{report}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A link at the output path (committed by a pull request where CI writes its report) is
/// replaced by the report, not written through to the file it leads to.
#[cfg(unix)]
#[test]
fn an_output_link_is_not_written_through() {
    let dir = snapshot_copy();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("report.sarif")).unwrap();
    cmd(dir.path())
        .args([
            "scan",
            "snapshot",
            "-f",
            "sarif",
            "--output",
            "report.sarif",
        ])
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let report = dir.path().join("report.sarif");
    assert!(std::fs::symlink_metadata(&report).unwrap().is_file());
    let sarif: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

/// A read-only folder: the temporary file cannot be made, the original stays. (Root may
/// write anywhere: the test then has nothing to show.)
#[cfg(unix)]
#[test]
fn a_read_only_folder_leaves_the_original_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = snapshot_copy();
    let snap = dir.path().join("snapshot");
    let file = snap.join("task-definition-agent.json");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::set_permissions(&snap, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(snap.join("probe"), "").is_ok();
    if !writable {
        let a = cmd(dir.path())
            .arg("fix")
            .arg(&file)
            .arg("--unsafe")
            .assert()
            .code(2);
        assert!(stderr_of(&a).contains("cannot write"), "{}", stderr_of(&a));
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
    }
    std::fs::set_permissions(&snap, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// An output that is one of the inputs is refused before anything is read or written,
/// however it is spelled; `fix FILE --output FILE` is the in-place rewrite.
#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = snapshot_copy();
    let web = "snapshot/task-definition-web.json";
    let bytes = std::fs::read(dir.path().join(web)).unwrap();
    for args in [
        vec!["scan", web, "--output", web],
        vec!["scan", "snapshot", "--output", web],
        vec![
            "scan",
            "snapshot",
            "--output",
            "./snapshot/../snapshot/task-definition-web.json",
        ],
        vec!["plan", "snapshot", "--output", web],
    ] {
        let a = cmd(dir.path()).args(&args).assert().code(2);
        let err = stderr_of(&a);
        assert!(
            err.contains("the output file is one of the input files")
                && err.contains("task-definition-web.json"),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(dir.path().join(web)).unwrap(), bytes);
    }
    std::fs::write(dir.path().join(".ecs-exposure.toml"), "").unwrap();
    let a = cmd(dir.path())
        .args(["scan", "snapshot", "--output", ".ecs-exposure.toml"])
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains("one of the input files"));

    // In place: `--output` spelled another way is still FILE, and the file is rewritten.
    let agent = "snapshot/task-definition-agent.json";
    let a = cmd(dir.path())
        .args([
            "fix",
            agent,
            "--unsafe",
            "--output",
            "./snapshot/task-definition-agent.json",
        ])
        .assert()
        .code(0);
    assert!(
        stderr_of(&a).contains("1 fix(es) applied"),
        "{}",
        stderr_of(&a)
    );
    let fixed = std::fs::read_to_string(dir.path().join(agent)).unwrap();
    assert!(!fixed.contains("\"privileged\": true"), "{fixed}");
}

/// `fix` on a file it does not understand is an error naming it, not a quiet success.
#[test]
fn fix_refuses_files_it_cannot_fix() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        ("values.yaml", "replicas: 2\nimage: nginx\n"),
        ("list.json", "[1, 2]\n"),
        ("empty.yml", ""),
    ] {
        std::fs::write(dir.path().join(name), content).unwrap();
        let a = cmd(dir.path()).args(["fix", name]).assert().code(2);
        let err = stderr_of(&a);
        assert!(err.contains(&format!("error: {name}")), "{name}: {err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            content
        );
    }
}
