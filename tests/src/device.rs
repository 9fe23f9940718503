//! One independent "device": its own ChromeDriver, Chromium profile and network link.
//!
//! ChromeDriver and the Chromium it starts end with the device: dropping it (a test that
//! passes, fails or panics) asks ChromeDriver to close the session when the runtime still can,
//! then kills ChromeDriver's process group and every process carrying its marker (see
//! `process`), before the profile directory is removed.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::process::Command;

use crate::process::Spawned;
use crate::{free_port, screenshot_dir, HarnessError, HarnessResult, NetworkLink, WAIT_LIMIT};

const POLL: Duration = Duration::from_millis(100);

/// A browser with its own storage, reaching the server through its own [`NetworkLink`].
#[derive(Debug)]
pub struct Device {
    name: String,
    wait_limit: Duration,
    client: Client,
    link: NetworkLink,
    // Dropped in this order: the session, the link, the processes, then their profile.
    driver: Spawned,
    _profile: tempfile::TempDir,
}

impl Device {
    /// Opens a new device called `name` (used in screenshot names) linked to the server's port.
    pub async fn open(name: &str, server_port: u16) -> HarnessResult<Self> {
        Self::open_with_wait(name, server_port, WAIT_LIMIT).await
    }

    /// Like [`Device::open`], with another bound on every wait (benchmarks download far more
    /// than tests do).
    pub async fn open_with_wait(
        name: &str,
        server_port: u16,
        wait_limit: Duration,
    ) -> HarnessResult<Self> {
        let link = NetworkLink::start(server_port).await?;
        let profile = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a browser profile", source))?;
        let driver_port = free_port()?;
        let driver_path = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let mut command = Command::new(&driver_path);
        command
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = Spawned::start(&mut command, "chromedriver").map_err(|source| {
            HarnessError::Missing(format!(
                "cannot start {} ({source}): run `cargo xtask test`, which installs it",
                driver_path.display()
            ))
        })?;
        let chromium =
            std::env::var("CARNET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,860",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities);
        let webdriver = format!("http://127.0.0.1:{driver_port}");
        let client = connect_when_ready(&builder, &webdriver).await?;
        // Scripts that wait for the page (a benchmark's marks) may take as long as any wait.
        let mut timeouts = client.get_timeouts().await?;
        timeouts.set_script(Some(wait_limit.max(WAIT_LIMIT)));
        client.update_timeouts(timeouts).await?;
        Ok(Self {
            name: name.to_owned(),
            wait_limit,
            client,
            link,
            driver,
            _profile: profile,
        })
    }

    /// The marker ChromeDriver, its Chromium and their children carry (see [`crate::survivors`]).
    pub fn marker(&self) -> &str {
        self.driver.marker()
    }

    /// This device's network link (to make it silent, or count its sync connections).
    pub fn link(&self) -> &NetworkLink {
        &self.link
    }

    /// The URL of `path` as this device reaches the server (through its link).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.link.port())
    }

    /// Navigates to `path`.
    pub async fn goto(&self, path: &str) -> HarnessResult {
        Ok(self.client.goto(&self.url(path)).await?)
    }

    /// Leaves the app for an empty page (`about:blank`): its page and worker stop, as a closed
    /// tab's do, while the profile and its storage stay.
    pub async fn blank(&self) -> HarnessResult {
        Ok(self.client.goto("about:blank").await?)
    }

    /// Reloads the current page.
    pub async fn reload(&self) -> HarnessResult {
        Ok(self.client.refresh().await?)
    }

    /// Cuts this device's network (the server keeps running for the others): its link drops
    /// every connection, and Chromium reports itself offline (`navigator.onLine`, `offline` event).
    pub async fn go_offline(&self) -> HarnessResult {
        self.link.go_offline();
        self.client
            .issue_cmd(NetworkConditions { offline: true })
            .await?;
        Ok(())
    }

    /// Restores this device's network.
    pub async fn go_online(&self) -> HarnessResult {
        self.link.go_online();
        self.client
            .issue_cmd(NetworkConditions { offline: false })
            .await?;
        Ok(())
    }

    /// Signs in as the demo person `email` and waits for the accounts list.
    pub async fn sign_in(&self, email: &str) -> HarnessResult {
        self.goto("/").await?;
        self.fill("#sign-in-email", email).await?;
        self.fill("#sign-in-password", crate::DEMO_PASSWORD).await?;
        self.click("#sign-in").await?;
        self.wait_for("#accounts, #accounts-empty").await?;
        Ok(())
    }

    /// How many documents the app's IndexedDB holds (0 before it made its stores).
    pub async fn held_documents(&self) -> HarnessResult<u64> {
        let held = self
            .evaluate(
                "return new Promise((resolve, reject) => {
                   const open = indexedDB.open('carnet');
                   open.onerror = () => reject(open.error);
                   open.onsuccess = () => {
                     const db = open.result;
                     if (!db.objectStoreNames.contains('documents')) { db.close(); resolve(0); return; }
                     const count = db.transaction('documents').objectStore('documents').count();
                     count.onsuccess = () => { db.close(); resolve(count.result); };
                     count.onerror = () => { db.close(); reject(count.error); };
                   };
                 });",
            )
            .await?;
        held.as_u64()
            .ok_or_else(|| HarnessError::Unexpected(format!("the document count reads {held}")))
    }

    /// Waits until the sync indicator says everything is synced.
    pub async fn wait_until_synced(&self) -> HarnessResult {
        self.wait_for_text("#sync-status", "Synced").await
    }

    /// Opens a second tab of this browser (same profile, same IndexedDB) at `path` and switches
    /// to it; returns the handles of (first tab, new tab) for [`Device::switch_to`].
    pub async fn open_tab(
        &self,
        path: &str,
    ) -> HarnessResult<(fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle)> {
        let first = self.client.window().await?;
        let opened = self.client.new_window(true).await?;
        self.client.switch_to_window(opened.handle.clone()).await?;
        self.goto(path).await?;
        Ok((first, opened.handle))
    }

    /// Switches the commands to the tab `handle`.
    pub async fn switch_to(&self, handle: fantoccini::wd::WindowHandle) -> HarnessResult {
        Ok(self.client.switch_to_window(handle).await?)
    }

    /// Closes the current tab and switches to `next`.
    pub async fn close_tab(&self, next: fantoccini::wd::WindowHandle) -> HarnessResult {
        self.client.close_window().await?;
        self.client.switch_to_window(next).await?;
        Ok(())
    }

    /// Sizes the page's viewport to `width` × `height` CSS pixels (a tablet, a laptop).
    pub async fn set_viewport(&self, width: u32, height: u32) -> HarnessResult {
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setDeviceMetricsOverride",
                params: json!({
                    "width": width,
                    "height": height,
                    "deviceScaleFactor": 1,
                    "mobile": false,
                }),
            })
            .await?;
        Ok(())
    }

    /// Makes the page see `prefers-color-scheme: dark` (or light).
    pub async fn emulate_dark_mode(&self, dark: bool) -> HarnessResult {
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setEmulatedMedia",
                params: json!({
                    "features": [{
                        "name": "prefers-color-scheme",
                        "value": if dark { "dark" } else { "light" },
                    }],
                }),
            })
            .await?;
        Ok(())
    }

    /// Saves a PNG of the page at `path` (for the documentation's screenshots).
    pub async fn screenshot_to(&self, path: &std::path::Path) -> HarnessResult {
        let png = self.client.screenshot().await?;
        if let Some(directory) = path.parent() {
            std::fs::create_dir_all(directory).map_err(|source| {
                HarnessError::io("cannot create the screenshot folder", source)
            })?;
        }
        std::fs::write(path, png)
            .map_err(|source| HarnessError::io("cannot write a screenshot", source))?;
        Ok(())
    }

    /// Kills the current tab's renderer process, as the OS does to a tab under memory pressure
    /// (DevTools' `Page.crash`), and continues in a new tab of the same browser profile.
    pub async fn crash_tab(&self) -> HarnessResult {
        // A crashed tab takes no more commands, not even "open a tab": open the next one first.
        let spare = self.client.new_window(true).await?;
        // The command never answers: the page it runs in is gone.
        let _crashed = tokio::time::timeout(
            Duration::from_secs(5),
            self.client.issue_cmd(DevTools {
                method: "Page.crash",
                params: json!({}),
            }),
        )
        .await;
        self.client.switch_to_window(spare.handle).await?;
        Ok(())
    }

    /// Lets this device's pages read the position and pins it where DevTools says: the
    /// geolocation permission granted to the app's origin (`Browser.grantPermissions`) and
    /// every fix reported at `latitude`, `longitude` within `accuracy` metres
    /// (`Emulation.setGeolocationOverride`), with or without network.
    pub async fn mock_position(
        &self,
        latitude: f64,
        longitude: f64,
        accuracy: f64,
    ) -> HarnessResult {
        self.client
            .issue_cmd(DevTools {
                method: "Browser.grantPermissions",
                params: json!({ "permissions": ["geolocation"], "origin": self.url("") }),
            })
            .await?;
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setGeolocationOverride",
                params: json!({ "latitude": latitude, "longitude": longitude, "accuracy": accuracy }),
            })
            .await?;
        Ok(())
    }

    /// Refuses the geolocation permission to the app's origin, as a rep who said "block" would
    /// (`Browser.setPermission`).
    pub async fn deny_position(&self) -> HarnessResult {
        self.client
            .issue_cmd(DevTools {
                method: "Browser.setPermission",
                params: json!({
                    "permission": { "name": "geolocation" },
                    "setting": "denied",
                    "origin": self.url(""),
                }),
            })
            .await?;
        Ok(())
    }

    /// Sets this device's pages' clock `days` off the real one (`Date` and `Date.now` in every
    /// page loaded from now on, through `Page.addScriptToEvaluateOnNewDocument`; workers keep
    /// the real clock): what a tablet whose date is wrong does. Returns the script's id for
    /// [`Device::restore_clock`].
    pub async fn shift_clock(&self, days: i64) -> HarnessResult<String> {
        let source = format!(
            "(() => {{
                const offset = {days} * 86400000;
                const Real = Date;
                function Shifted(...parts) {{
                    if (!new.target) return new Real(Real.now() + offset).toString();
                    return parts.length === 0 ? new Real(Real.now() + offset) : new Real(...parts);
                }}
                Shifted.prototype = Real.prototype;
                Shifted.now = () => Real.now() + offset;
                Shifted.parse = Real.parse;
                Shifted.UTC = Real.UTC;
                globalThis.Date = Shifted;
            }})();"
        );
        let added = self
            .client
            .issue_cmd(DevTools {
                method: "Page.addScriptToEvaluateOnNewDocument",
                params: json!({ "source": source }),
            })
            .await?;
        added
            .get("identifier")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| HarnessError::Unexpected(format!("no script identifier in {added}")))
    }

    /// Gives pages loaded from now on the real clock again (see [`Device::shift_clock`]).
    pub async fn restore_clock(&self, identifier: &str) -> HarnessResult {
        self.client
            .issue_cmd(DevTools {
                method: "Page.removeScriptToEvaluateOnNewDocument",
                params: json!({ "identifier": identifier }),
            })
            .await?;
        Ok(())
    }

    /// Presses the element matched by `from`, drags it in small steps onto the element matched
    /// by `to` and releases it, with a finger (`touch`) or the mouse: real pointer events, as a
    /// tablet or a laptop sends them.
    pub async fn drag(&self, from: &str, to: &str, touch: bool) -> HarnessResult {
        use fantoccini::actions::{
            InputSource, MouseActions, PointerAction, TouchActions, MOUSE_BUTTON_LEFT,
        };
        let source = self.wait_for(from).await?;
        let target = self.wait_for(to).await?;
        let step = Some(Duration::from_millis(60));
        let mut steps = vec![
            PointerAction::MoveToElement {
                element: source.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            },
            PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            },
        ];
        for offset in [4.0, 8.0, 16.0] {
            steps.push(PointerAction::MoveToElement {
                element: source.clone(),
                duration: step,
                x: offset,
                y: 0.0,
            });
        }
        steps.push(PointerAction::MoveToElement {
            element: target,
            duration: Some(Duration::from_millis(250)),
            x: 0.0,
            y: 0.0,
        });
        steps.push(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        if touch {
            let actions = steps
                .into_iter()
                .fold(TouchActions::new("finger".to_owned()), InputSource::then);
            self.client.perform_actions(actions).await?;
        } else {
            let actions = steps
                .into_iter()
                .fold(MouseActions::new("mouse".to_owned()), InputSource::then);
            self.client.perform_actions(actions).await?;
        }
        Ok(())
    }

    /// Draws `strokes` on the element matched by `css` with a finger (touch pointer events, as
    /// a tablet sends them): each stroke a list of points, offsets in CSS pixels from the
    /// element's centre, pressed at the first point and lifted after the last.
    pub async fn draw_with_finger(&self, css: &str, strokes: &[&[(f64, f64)]]) -> HarnessResult {
        use fantoccini::actions::{InputSource, PointerAction, TouchActions, MOUSE_BUTTON_LEFT};
        let element = self.wait_for(css).await?;
        let mut steps = Vec::new();
        for stroke in strokes {
            for (index, (x, y)) in stroke.iter().enumerate() {
                steps.push(PointerAction::MoveToElement {
                    element: element.clone(),
                    duration: Some(Duration::from_millis(30)),
                    x: *x,
                    y: *y,
                });
                if index == 0 {
                    steps.push(PointerAction::Down {
                        button: MOUSE_BUTTON_LEFT,
                    });
                }
            }
            steps.push(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        }
        let actions = steps
            .into_iter()
            .fold(TouchActions::new("finger".to_owned()), InputSource::then);
        self.client.perform_actions(actions).await?;
        Ok(self.client.release_actions().await?)
    }

    /// Prints the page to PDF as Chromium does for "Save as PDF" (A4, the page's own print
    /// stylesheet) and returns the PDF's text as `pdftotext -layout` reads it back.
    pub async fn print_to_pdf_text(&self) -> HarnessResult<String> {
        use fantoccini::wd::{PrintConfiguration, PrintSize};
        let configuration = PrintConfiguration::builder()
            .size(PrintSize::A4)
            .build()
            .map_err(|error| HarnessError::Unexpected(format!("print settings: {error}")))?;
        let pdf = self.client.print(configuration).await?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(HarnessError::Unexpected(
                "the browser's print is not a PDF".to_owned(),
            ));
        }
        let folder = tempfile::tempdir()
            .map_err(|source| HarnessError::io("cannot create a folder for the PDF", source))?;
        let path = folder.path().join("printed.pdf");
        std::fs::write(&path, &pdf)
            .map_err(|source| HarnessError::io("cannot write the printed PDF", source))?;
        let output = Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|source| HarnessError::io("cannot run pdftotext (poppler-utils)", source))?;
        if !output.status.success() {
            return Err(HarnessError::Unexpected(format!(
                "pdftotext failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Types `text` into the field matched by `css`.
    pub async fn fill(&self, css: &str, text: &str) -> HarnessResult {
        let element = self.wait_for(css).await?;
        element.clear().await?;
        Ok(element.send_keys(text).await?)
    }

    /// Clicks the element matched by `css`.
    pub async fn click(&self, css: &str) -> HarnessResult {
        Ok(self.wait_for(css).await?.click().await?)
    }

    /// The visible text of every element matched by `css`, in document order.
    pub async fn texts(&self, css: &str) -> HarnessResult<Vec<String>> {
        // The page re-renders while it is read (a list refreshing after sync): an element found
        // a moment ago may be gone. Read again rather than fail.
        let mut attempts = 0;
        loop {
            match self.read_texts(css).await {
                Err(error) if is_stale(&error) && attempts < 10 => {
                    attempts += 1;
                    tokio::time::sleep(POLL).await;
                }
                outcome => return outcome,
            }
        }
    }

    async fn read_texts(&self, css: &str) -> HarnessResult<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            texts.push(element.text().await?);
        }
        Ok(texts)
    }

    /// Waits until an element matched by `css` exists, and returns it.
    pub async fn wait_for(&self, css: &str) -> HarnessResult<fantoccini::elements::Element> {
        let deadline = tokio::time::Instant::now() + self.wait_limit;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return Ok(element),
                Err(error) if error.is_no_such_element() => {}
                Err(error) => return Err(error.into()),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(HarnessError::Timeout {
                    what: format!("{css:?} on {}", self.name),
                    limit: self.wait_limit,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until some element matched by `css` shows exactly `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> HarnessResult {
        let deadline = tokio::time::Instant::now() + self.wait_limit;
        loop {
            let texts = self.texts(css).await?;
            if texts.iter().any(|text| text.trim() == expected) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(HarnessError::Timeout {
                    what: format!(
                        "{css:?} to show {expected:?} on {} (it shows {texts:?})",
                        self.name
                    ),
                    limit: self.wait_limit,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until a service worker controls the page, so the next load can be served offline.
    pub async fn wait_for_service_worker(&self) -> HarnessResult {
        let deadline = tokio::time::Instant::now() + self.wait_limit;
        loop {
            let controlled = self
                .client
                .execute(
                    "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
                    Vec::new(),
                )
                .await?;
            if controlled == Value::Bool(true) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(HarnessError::Timeout {
                    what: format!("a service worker to control the page on {}", self.name),
                    limit: self.wait_limit,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs `script` in the page and returns its value.
    pub async fn evaluate(&self, script: &str) -> HarnessResult<Value> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// Saves a PNG of the page as `<screenshots>/<test>-<device>-<label>.png`.
    pub async fn screenshot(&self, test: &str, label: &str) -> HarnessResult<PathBuf> {
        let png = self.client.screenshot().await?;
        let directory = screenshot_dir();
        std::fs::create_dir_all(&directory)
            .map_err(|source| HarnessError::io("cannot create the screenshot folder", source))?;
        let path = directory.join(format!("{test}-{}-{label}.png", self.name));
        std::fs::write(&path, png)
            .map_err(|source| HarnessError::io("cannot write a screenshot", source))?;
        Ok(path)
    }

    /// Ends the browser session.
    pub async fn close(self) -> HarnessResult {
        Ok(self.client.close().await?)
    }
}

/// Whether a command failed because the element it used was replaced by a re-render.
fn is_stale(error: &HarnessError) -> bool {
    matches!(error, HarnessError::Command(error) if error.to_string().contains("stale element"))
}

/// ChromeDriver's `network_conditions` extension: what DevTools' "Offline" switch does.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "network_conditions": {
                "offline": self.offline,
                "latency": 0,
                "download_throughput": -1,
                "upload_throughput": -1,
            }
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// ChromeDriver's `goog/cdp/execute` extension: one Chrome DevTools Protocol command.
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Connects to a ChromeDriver that may still be starting.
async fn connect_when_ready(
    builder: &ClientBuilder<hyper_util::client::legacy::connect::HttpConnector>,
    webdriver: &str,
) -> HarnessResult<Client> {
    let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
    loop {
        match builder.connect(webdriver).await {
            Ok(client) => return Ok(client),
            Err(fantoccini::error::NewSessionError::BadWebdriverUrl(error)) => {
                return Err(HarnessError::Unexpected(format!(
                    "bad WebDriver URL: {error}"
                )))
            }
            Err(error) if tokio::time::Instant::now() >= deadline => return Err(error.into()),
            Err(_starting) => tokio::time::sleep(POLL).await,
        }
    }
}
