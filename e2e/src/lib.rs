//! Harness for Waymark's browser tests: starts the real `waymark` server binary on a
//! free loopback port with a temporary database, and headless Chromium through
//! chromedriver at a phone's size (360×740). A failing scenario leaves a screenshot
//! in `e2e/artifacts/`.

pub mod device;
pub mod flows;

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long any one wait in a scenario may take before it counts as a failure.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Why a scenario failed.
#[derive(Debug, Error)]
pub enum Failure {
    #[error("{0}")]
    Check(String),
    #[error("cannot start {what}: {detail}")]
    Start { what: &'static str, detail: String },
    #[error("browser command failed: {0}")]
    Browser(#[from] fantoccini::error::CmdError),
    #[error("cannot open a browser session: {0}")]
    Session(#[from] fantoccini::error::NewSessionError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("sync device: {0}")]
    Device(#[from] device::DeviceError),
}

/// The result of a scenario.
pub type Outcome = Result<(), Failure>;

/// Runs `check` every 50 ms until it says true, for at most [`PATIENCE`]; `what`
/// names the wait in the failure.
pub async fn poll_until<F, Fut>(what: &str, mut check: F) -> Outcome
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, Failure>>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut poll = tokio::time::interval(Duration::from_millis(50));
    loop {
        poll.tick().await;
        if check().await? {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(Failure::Check(format!("timed out waiting until {what}")));
        }
    }
}

/// Fails the scenario with `message` unless `condition` holds.
pub fn check(condition: bool, message: impl Into<String>) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(Failure::Check(message.into()))
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn server_binary() -> PathBuf {
    std::env::var_os("WAYMARK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/waymark"))
}

/// The built app the tests serve (`WAYMARK_APP_DIR` overrides).
pub fn app_dir() -> PathBuf {
    std::env::var_os("WAYMARK_APP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("app/dist"))
}

/// A free TCP port on loopback (released again before it is used).
fn free_port() -> Result<u16, Failure> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp` endpoint
/// with [`Client::issue_cmd`].
#[derive(Debug)]
pub struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl DevTools {
    /// The command `command` (e.g. `Page.getInstallabilityErrors`) with `params`.
    pub fn new(command: &'static str, params: serde_json::Value) -> Self {
        Self { command, params }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The real server binary, running on loopback with its own temporary data folder.
pub struct Server {
    child: Option<Child>,
    port: u16,
    data_dir: tempfile::TempDir,
    app_dir: PathBuf,
}

impl Server {
    /// Starts the server on a free port with an empty database.
    pub async fn start() -> Result<Self, Failure> {
        Self::start_serving(&app_dir()).await
    }

    /// Starts the server serving the app from `app_dir` (a copy a test may change).
    pub async fn start_serving(app_dir: &Path) -> Result<Self, Failure> {
        let data_dir = tempfile::tempdir()?;
        let mut server = Self {
            child: None,
            port: 0,
            data_dir,
            app_dir: app_dir.to_owned(),
        };
        server.launch().await?;
        Ok(server)
    }

    /// The address the app is served at, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The server process's id while it runs (to read its memory figures).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Stops the server with SIGTERM, as an operator would, and waits for it to exit.
    pub async fn stop(&mut self) -> Outcome {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                // SIGTERM exercises graceful shutdown; kill is the fallback below.
                let _ = Command::new("kill").arg(pid.to_string()).status().await;
            }
            if tokio::time::timeout(PATIENCE, child.wait()).await.is_err() {
                child.kill().await?;
                return Err(Failure::Check(
                    "the server did not stop within 20 s of SIGTERM".into(),
                ));
            }
        }
        Ok(())
    }

    /// Starts the server again on the same port and database (same origin for the browser).
    pub async fn restart(&mut self) -> Outcome {
        self.stop().await?;
        self.launch().await
    }

    async fn launch(&mut self) -> Outcome {
        let binary = server_binary();
        if !binary.is_file() {
            return Err(Failure::Start {
                what: "the server",
                detail: format!(
                    "{} is missing: build it with `cargo build -p server` (scripts/test.sh does)",
                    binary.display()
                ),
            });
        }
        let mut child = Command::new(&binary)
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .arg("--app-dir")
            .arg(&self.app_dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or(Failure::Start {
            what: "the server",
            detail: "no stdout".into(),
        })?;
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(PATIENCE, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(address) = line.strip_prefix("Waymark is running at http://") {
                    return Ok::<_, std::io::Error>(Some(address.trim_end_matches('/').to_owned()));
                }
            }
            Ok(None)
        })
        .await;
        let address = match ready {
            Ok(Ok(Some(address))) => address,
            Ok(Ok(None)) | Ok(Err(_)) => {
                let status = child.wait().await?;
                return Err(Failure::Start {
                    what: "the server",
                    detail: format!("it exited ({status}) before listening; its log is above"),
                });
            }
            Err(_) => {
                return Err(Failure::Start {
                    what: "the server",
                    detail: "it did not say it was listening within 20 s".into(),
                })
            }
        };
        self.port = address
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| Failure::Start {
                what: "the server",
                detail: format!("cannot read a port from {address:?}"),
            })?;
        self.child = Some(child);
        Ok(())
    }
}

/// Headless Chromium at a phone's size, driven through its own chromedriver.
pub struct Browser {
    client: Client,
    driver: Child,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh Chromium profile.
    pub async fn launch() -> Result<Self, Failure> {
        // Several crypto back-ends are linked in; rustls needs one named. A second
        // call in the same process finds it already set, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port()?;
        let profile = tempfile::tempdir()?;
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", driver_log(&profile).display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| Failure::Start {
                what: "chromedriver",
                detail: format!("{error} (install Debian's chromium-driver)"),
            })?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "mobileEmulation": {
                    "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2.0 }
                }
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver takes a moment to listen: retry the connection, bounded.
        for _ in 0..100 {
            match ClientBuilder::rustls()?
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Ok(Self {
                        client,
                        driver,
                        profile,
                    })
                }
                Err(error) => {
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        Err(last_error.map(Failure::from).unwrap_or(Failure::Start {
            what: "chromedriver",
            detail: "no answer".into(),
        }))
    }

    /// The WebDriver client, for anything the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until the WebAssembly app has started (or failed to).
    pub async fn open_app(&self, url: &str) -> Outcome {
        self.client.goto(url).await?;
        self.wait_for_app().await
    }

    /// Waits until the app has mounted; fails with the page's own message if the
    /// WebAssembly did not load.
    pub async fn wait_for_app(&self) -> Outcome {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css("html[data-app]"))
            .await?;
        let state = self
            .client
            .find(Locator::Css("html"))
            .await?
            .attr("data-app")
            .await?;
        if state.as_deref() == Some("started") {
            return Ok(());
        }
        let message = match self.client.find(Locator::Id("boot")).await {
            Ok(boot) => boot.text().await?,
            Err(_) => "no message".into(),
        };
        Err(Failure::Check(format!(
            "the app failed to start: {message}"
        )))
    }

    /// Waits for an element and returns its text.
    pub async fn text_of(&self, css: &str) -> Result<String, Failure> {
        let element = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await?;
        Ok(element.text().await?)
    }

    /// Runs a script in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Result<serde_json::Value, Failure> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Polls a JavaScript condition until it is true (bounded by [`PATIENCE`]).
    pub async fn wait_until(&self, condition: &str, what: &str) -> Outcome {
        let script = format!("return Boolean({condition});");
        poll_until(what, || async {
            Ok(self.eval(&script).await? == serde_json::Value::Bool(true))
        })
        .await
    }

    /// Clicks the element matching `css`, once it is there.
    pub async fn click(&self, css: &str) -> Outcome {
        let element = self.find(css).await?;
        self.tap(element).await
    }

    /// Clicks like a finger: centred on screen first, clear of the fixed bars a
    /// phone layout has (chromedriver would scroll it only to the very edge).
    async fn tap(&self, element: fantoccini::elements::Element) -> Outcome {
        let argument = serde_json::to_value(&element).map_err(|error| {
            Failure::Check(format!("cannot pass an element to a script: {error}"))
        })?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![argument],
            )
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Clicks the element matching `css` from inside the page, for a click that
    /// reloads it: chromedriver then has no command waiting across the reload.
    pub async fn click_then_reload(&self, css: &str) -> Outcome {
        let element = self.find(css).await?;
        let argument = serde_json::to_value(&element).map_err(|error| {
            Failure::Check(format!("cannot pass an element to a script: {error}"))
        })?;
        self.client
            .execute(
                "const target = arguments[0]; setTimeout(() => target.click(), 0);",
                vec![argument],
            )
            .await?;
        Ok(())
    }

    /// Clicks the element matching the XPath `xpath`, once it is there.
    pub async fn click_xpath(&self, xpath: &str) -> Outcome {
        let element = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(xpath))
            .await?;
        self.tap(element).await
    }

    /// Clicks the label whose text is `text` (radio and checkbox chips).
    pub async fn choose(&self, text: &str) -> Outcome {
        self.click_xpath(&format!("//label[normalize-space(.)={text:?}]"))
            .await
    }

    /// Types `text` into the field matching `css` (after what is there).
    pub async fn type_into(&self, css: &str, text: &str) -> Outcome {
        self.find(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// The current value of a form field.
    pub async fn value_of(&self, css: &str) -> Result<String, Failure> {
        Ok(self
            .find(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// The element matching `css`, waiting for it (bounded by [`PATIENCE`]).
    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element, Failure> {
        Ok(self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await?)
    }

    /// Waits until an element whose text is exactly `text` is on the page.
    pub async fn find_text(&self, text: &str) -> Outcome {
        let xpath = format!("//*[normalize-space(text())={text:?}]");
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await?;
        Ok(())
    }

    /// Reloads the page and waits for the app to start again.
    pub async fn reload(&self) -> Outcome {
        self.client.refresh().await?;
        self.wait_for_app().await
    }

    /// Ends the scenario: on failure saves a screenshot named after it, then closes
    /// the browser and returns the scenario's own outcome.
    pub async fn finish(mut self, name: &str, outcome: Outcome) -> Outcome {
        use fantoccini::error::CmdError;
        if matches!(
            outcome,
            Err(Failure::Browser(
                CmdError::Failed(_) | CmdError::FailedC(_) | CmdError::Lost(_)
            ))
        ) {
            self.report_driver();
        }
        if outcome.is_err() {
            match self.client.screenshot().await {
                Ok(png) => {
                    let folder = workspace_root().join("e2e/artifacts");
                    std::fs::create_dir_all(&folder)?;
                    let path = folder.join(format!("{name}.png"));
                    std::fs::write(&path, png)?;
                    eprintln!("screenshot of the failure: {}", path.display());
                }
                Err(error) => eprintln!("no screenshot of the failure: {error}"),
            }
        }
        let _ = self.client.close().await;
        outcome
    }

    /// After chromedriver stopped answering, says whether chromedriver is still running and prints the end
    /// of its log: a lost connection is otherwise impossible to explain.
    fn report_driver(&mut self) {
        match self.driver.try_wait() {
            Ok(Some(status)) => eprintln!("chromedriver has exited: {status}"),
            Ok(None) => eprintln!("chromedriver is still running"),
            Err(error) => eprintln!("cannot tell whether chromedriver runs: {error}"),
        }
        match std::fs::read_to_string(driver_log(&self.profile)) {
            Ok(log) => {
                let lines: Vec<&str> = log.lines().collect();
                let tail = &lines[lines.len().saturating_sub(40)..];
                eprintln!("the end of chromedriver's log:\n{}", tail.join("\n"));
            }
            Err(error) => eprintln!("no chromedriver log: {error}"),
        }
    }
}

/// Where chromedriver writes its log: beside the browser profile, so it goes with it.
fn driver_log(profile: &tempfile::TempDir) -> PathBuf {
    profile.path().join("chromedriver.log")
}

/// A new account on `server`, with a unique email; returns (user id, session token).
pub async fn register(server: &Server, name: &str) -> Result<(String, String), Failure> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let email = format!("{name}-{}-{n}@example.test", std::process::id());
    let response = reqwest::Client::new()
        .post(format!("{}api/auth/register", server.url()))
        .json(&serde_json::json!({ "email": email, "display_name": name, "password": "correct horse battery" }))
        .send()
        .await
        .map_err(|error| Failure::Check(format!("register: {error}")))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|error| Failure::Check(format!("register: {error}")))?;
    let user = body["user"]["id"].as_str();
    let token = body["token"].as_str();
    match (status.is_success(), user, token) {
        (true, Some(user), Some(token)) => Ok((user.to_owned(), token.to_owned())),
        _ => Err(Failure::Check(format!(
            "register answered {status}: {body}"
        ))),
    }
}

/// Makes the holder of `supervisor_token` the educational supervisor of the holder of
/// `trainee_token`, through the invite and accept API as people do it.
pub async fn supervise(
    server: &Server,
    trainee_token: &str,
    supervisor_token: &str,
) -> Result<(), Failure> {
    let client = reqwest::Client::new();
    let call = |token: &str, path: &str, body: serde_json::Value| {
        client
            .post(format!("{}api/supervision/{path}", server.url()))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let failed = |error: reqwest::Error| Failure::Check(format!("supervise: {error}"));
    let invite: serde_json::Value = call(
        trainee_token,
        "invites",
        serde_json::json!({ "relation": "educational_supervisor" }),
    )
    .await
    .map_err(failed)?
    .json()
    .await
    .map_err(failed)?;
    let accepted = call(
        supervisor_token,
        "accept",
        serde_json::json!({ "code": invite["code"] }),
    )
    .await
    .map_err(failed)?;
    if accepted.status().is_success() {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "accepting the invite answered {}",
            accepted.status()
        )))
    }
}
