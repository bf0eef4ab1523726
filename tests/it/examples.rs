//! Every example site and the root demo handbook build, without warnings.

use crate::common::*;

fn builds_clean(dir: &std::path::Path) {
    let site = copy_site(dir);
    let (code, stdout, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{}: {err}", dir.display());
    assert!(!err.contains("warning"), "{}: {err}", dir.display());
    assert!(stdout.starts_with("Built "), "{stdout}");
}

#[test]
fn root_demo_handbook() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = teambook::BuildOptions {
        output_dir: Some(tmp.path().join("public")),
        ..teambook::BuildOptions::new(repo())
    };
    let report = teambook::build(&opts).unwrap_or_else(|f| panic!("{:?}", f.errors));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.pages >= 30);
}

#[test]
fn example_minimal() {
    builds_clean(&repo().join("examples/minimal"));
}

#[test]
fn example_hugo_blog() {
    builds_clean(&repo().join("examples/hugo-blog"));
}

#[test]
fn example_sprint_reports() {
    builds_clean(&repo().join("examples/sprint-reports"));
}
