//! The `waymark` binary as an operator meets it: `--help`, clear start-up errors
//! instead of panics, and a clean exit on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn waymark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("WAYMARK_PORT")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

fn stderr_of(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("waymark runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_documents_every_flag_and_variable() {
    let output = waymark().arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--host",
        "--port",
        "--data-dir",
        "--database-url",
        "--app-dir",
        "--log",
        "WAYMARK_HOST",
        "WAYMARK_PORT",
        "WAYMARK_DATA_DIR",
        "DATABASE_URL",
        "WAYMARK_APP_DIR",
        "RUST_LOG",
    ] {
        assert!(help.contains(needle), "--help mentions {needle}:\n{help}");
    }
}

#[test]
fn a_bad_database_url_is_a_sentence_not_a_panic() {
    let (ok, stderr) = stderr_of(waymark().env("DATABASE_URL", "mysql://me:pw@db/x"));
    assert!(!ok);
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unusable_data_folder_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").expect("file");
    let (ok, stderr) = stderr_of(
        waymark()
            .arg("--data-dir")
            .arg(&file)
            .arg("--port")
            .arg("0"),
    );
    assert!(!ok);
    assert!(stderr.contains("data folder"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_or_busy_port_is_reported() {
    let (ok, stderr) = stderr_of(waymark().args(["--port", "70000"]));
    assert!(!ok);
    assert!(stderr.contains("--port"), "{stderr}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let dir = tempfile::tempdir().expect("temp dir");
    let (ok, stderr) = stderr_of(
        waymark()
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--port", &port.to_string()]),
    );
    assert!(!ok);
    assert!(stderr.contains("already in use"), "{stderr}");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = waymark()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let first_line = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("utf-8");
    assert!(
        first_line.starts_with("Waymark is running at http://127.0.0.1:"),
        "{first_line}"
    );

    let killed = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server stops within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
}
