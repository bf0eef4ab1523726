//! The GitHub Pages workflow that `init` writes: pinned, least privilege, values through `env:`,
//! and an install step that runs only a release binary whose checksum matched, else compiles.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// The workflow a fresh `init` writes, as text and parsed.
fn workflow() -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = teambook().arg("init").arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    let text = read(dir.path(), ".github/workflows/pages.yml");
    let parsed = teambook::yaml::from_str(&text).unwrap();
    (text, parsed)
}

/// Every step of every job.
fn steps(workflow: &Value) -> Vec<&Value> {
    let jobs = workflow["jobs"].as_object().unwrap();
    jobs.values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .collect()
}

fn step<'a>(workflow: &'a Value, name: &str) -> &'a Value {
    steps(workflow)
        .into_iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name:?}"))
}

#[test]
fn the_workflow_is_pinned_and_passes_values_through_env() {
    let (text, parsed) = workflow();
    // It installs this teambook, cached by its version, and keeps the body cache.
    let version = format!("TEAMBOOK_VERSION: \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version), "{text}");
    assert!(!text.contains("@TEAMBOOK_VERSION@"));
    assert!(text.contains("path: .teambook-cache"), "{text}");
    assert_eq!(
        step(&parsed, "Install teambook")["if"],
        "steps.teambook.outputs.cache-hit != 'true'"
    );
    // Every action pinned to a commit, with its release in a comment.
    for line in text.lines().filter(|l| l.trim_start().starts_with("uses:")) {
        let reference = line.split('@').nth(1).unwrap_or("");
        let hash = reference.split(' ').next().unwrap_or("");
        assert!(
            hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{line}"
        );
        assert!(reference.contains(" # v"), "{line}");
    }
    assert!(text.contains("persist-credentials: false"));
    // No expression anywhere in a script: values reach the shell through `env:`.
    for s in steps(&parsed) {
        if let Some(script) = s["run"].as_str() {
            assert!(!script.contains("${{"), "{script}");
        }
    }
}

/// A folder standing in for a runner: fake `curl` (serving `releases/` for the release URL),
/// `cargo` (recording its arguments, installing a stand-in) and `uname`, and a release of
/// `version` whose archive holds a teambook that records that it ran.
struct Runner {
    dir: tempfile::TempDir,
    version: &'static str,
}

impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
            version: "9.8.7",
        };
        let root = runner.dir.path();
        let script = |rel: &str, body: &str| {
            write(root, rel, body.as_bytes());
            let path = root.join(rel);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        // curl: every `--remote-name URL` under the fake release URL is copied from releases/,
        // like `curl --fail`, exit 22 when the file is not there.
        script(
            "bin/curl",
            &format!(
                "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --remote-name ]; then\n    \
                 shift\n    rel=${{1#https://releases.example/}}\n    \
                 cp \"{root}/releases/$rel\" \"$(basename \"$1\")\" 2>/dev/null || exit 22\n  \
                 fi\n  shift\ndone\n",
                root = root.display()
            ),
        );
        script(
            "bin/cargo",
            "#!/bin/sh\necho \"$@\" > \"$RUNNER_TEMP/cargo-args\"\nmkdir -p \"$HOME/.cargo/bin\"\n\
             printf '#!/bin/sh\\necho compiled\\n' > \"$HOME/.cargo/bin/teambook\"\n\
             chmod +x \"$HOME/.cargo/bin/teambook\"\n",
        );
        script("bin/uname", "#!/bin/sh\necho x86_64\n");
        // The release: its archive holds a folder with the binary, as dist makes them.
        let inner = "teambook-x86_64-unknown-linux-gnu";
        script(
            &format!("archive/{inner}/teambook"),
            "#!/bin/sh\ntouch \"$RUNNER_TEMP/release-binary-ran\"\necho release\n",
        );
        write(root, &format!("archive/{inner}/LICENSE"), b"MIT");
        let release = root.join("releases/v9.8.7");
        std::fs::create_dir_all(&release).unwrap();
        let status = Command::new("tar")
            .arg("-cJf")
            .arg(release.join(format!("{inner}.tar.xz")))
            .arg("-C")
            .arg(root.join("archive"))
            .arg(inner)
            .status()
            .unwrap();
        assert!(status.success());
        let sums = Command::new("sha256sum")
            .arg("--binary")
            .arg(format!("{inner}.tar.xz"))
            .current_dir(&release)
            .output()
            .unwrap();
        assert!(sums.status.success());
        // Beside it, as in dist's sha256.sum: another artifact's line.
        let mut text = String::from_utf8(sums.stdout).unwrap();
        text.push_str(&format!("{} *teambook-installer.sh\n", "0".repeat(64)));
        std::fs::write(release.join("sha256.sum"), text).unwrap();
        runner
    }

    fn release(&self) -> PathBuf {
        self.dir.path().join("releases/v9.8.7")
    }

    /// Runs the install step's script as the runner would; returns (success, what the
    /// installed teambook prints, the arguments cargo was called with, if it was).
    fn install(&self, script: &str) -> (bool, String, Option<String>) {
        let root = self.dir.path();
        let home = root.join("home");
        let temp = root.join("runner-temp");
        std::fs::create_dir_all(&temp).unwrap();
        let path = format!(
            "{}:{}:/usr/bin:/bin",
            root.join("bin").display(),
            home.join(".cargo/bin").display()
        );
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .env_clear()
            .env("PATH", path)
            .env("HOME", &home)
            .env("RUNNER_TEMP", &temp)
            .env("TEAMBOOK_VERSION", self.version)
            .env("TEAMBOOK_RELEASES", "https://releases.example")
            .current_dir(root)
            .output()
            .unwrap();
        let installed = home.join(".cargo/bin/teambook");
        let prints = Command::new(&installed)
            .env("RUNNER_TEMP", root.join("after"))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let cargo = std::fs::read_to_string(temp.join("cargo-args"))
            .ok()
            .map(|a| a.trim().to_string());
        (out.status.success(), prints, cargo)
    }

    /// Whether a release binary ran during the install (`teambook --version` at its end).
    fn release_binary_ran(&self) -> bool {
        self.dir
            .path()
            .join("runner-temp/release-binary-ran")
            .exists()
    }
}

fn install_script() -> String {
    let (_, parsed) = workflow();
    let script = step(&parsed, "Install teambook")["run"].as_str().unwrap();
    script.to_string()
}

#[test]
fn the_workflow_installs_the_release_binary_whose_checksum_matches() {
    let script = install_script();
    let runner = Runner::new();
    let (ok, prints, cargo) = runner.install(&script);
    assert!(ok);
    assert_eq!(prints, "release");
    assert_eq!(cargo, None, "nothing compiled");
    assert!(
        runner.release_binary_ran(),
        "the step runs `teambook --version`"
    );
}

#[test]
fn the_workflow_compiles_teambook_when_the_release_is_missing_or_does_not_match() {
    let script = install_script();
    let compiled = Some("install teambook --version 9.8.7 --locked".to_string());

    // An archive whose bytes are not those of the checksum file is neither unpacked nor run.
    let runner = Runner::new();
    let archive = runner
        .release()
        .join("teambook-x86_64-unknown-linux-gnu.tar.xz");
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    let (ok, prints, cargo) = runner.install(&script);
    assert!(ok);
    assert_eq!((prints.as_str(), &cargo), ("compiled", &compiled));
    assert!(!runner.release_binary_ran());
    assert!(
        !runner
            .dir
            .path()
            .join("runner-temp/teambook-release/teambook-x86_64-unknown-linux-gnu")
            .exists()
    );

    // A checksum file without the archive's line.
    let runner = Runner::new();
    std::fs::write(
        runner.release().join("sha256.sum"),
        format!("{} *teambook-installer.sh\n", "0".repeat(64)),
    )
    .unwrap();
    let (ok, prints, cargo) = runner.install(&script);
    assert!(ok);
    assert_eq!((prints.as_str(), &cargo), ("compiled", &compiled));
    assert!(!runner.release_binary_ran());

    // No release of that version (or no network).
    let runner = Runner::new();
    std::fs::remove_dir_all(runner.release()).unwrap();
    let (ok, prints, cargo) = runner.install(&script);
    assert!(ok);
    assert_eq!((prints.as_str(), &cargo), ("compiled", &compiled));
}

#[test]
fn the_install_step_fails_when_even_compiling_fails() {
    let script = install_script();
    let runner = Runner::new();
    std::fs::remove_dir_all(runner.release()).unwrap();
    write(runner.dir.path(), "bin/cargo", b"#!/bin/sh\nexit 101\n");
    let (ok, _, _) = runner.install(&script);
    assert!(!ok);
}
