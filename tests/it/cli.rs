//! The command line: init, build, check, exit codes.

use crate::common::*;

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("handbook");
    let out = teambook().arg("init").arg(&target).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(target.join("teambook.yaml").exists());
    // The Pages workflow it writes: tests/it/workflow.rs.
    assert!(target.join(".github/workflows/pages.yml").is_file());
    let (code, stdout, err) = build(&target, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.starts_with("Built "), "{stdout}");
    assert!(
        err.is_empty(),
        "a fresh handbook builds without warnings: {err}"
    );
}

#[test]
fn init_refuses_a_non_empty_folder_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", b"mine");
    let out = teambook().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = teambook()
        .arg("init")
        .arg(dir.path())
        .arg("--force")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(read(dir.path(), "notes.txt"), "mine");
    assert!(dir.path().join("teambook.yaml").exists());
}

#[test]
fn build_prints_one_summary_line_and_quiet_prints_nothing() {
    let site = site(&[("content/_index.md", "Home"), ("content/a.md", "# A\n")]);
    let (code, stdout, _) = build(site.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let out = teambook()
        .arg("--root")
        .arg(site.path())
        .arg("--quiet")
        .arg("build")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn check_writes_nothing() {
    let site = site(&[("content/_index.md", "Home")]);
    let out = teambook()
        .arg("--root")
        .arg(site.path())
        .arg("check")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Checked "));
    assert!(!site.path().join("public").exists());
}

#[test]
fn usage_errors_exit_2() {
    let out = teambook()
        .arg("build")
        .arg("--no-such-flag")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = teambook()
        .arg("--root")
        .arg("/no/such/site")
        .arg("build")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_dir_and_cname() {
    let site = site(&[
        ("teambook.yaml", "cname: handbook.example.org\n"),
        ("content/_index.md", "Home"),
    ]);
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("site");
    let (code, _, err) = build(site.path(), &["--output-dir", &target.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&target, "CNAME"), "handbook.example.org\n");
}
