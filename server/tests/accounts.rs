//! Accounts over real HTTP on a loopback port: sign-in, tokens, devices, revocation, sync
//! tickets, invitations, and the library calls behind `create-workspace` and `--demo`; and the
//! attacks on them: floods of wrong codes and random addresses, concurrent guesses, oversized
//! addresses, replayed refresh credentials, cached tokens. Password reset links are in
//! `accounts/password_reset.rs`.

#[path = "accounts/password_reset.rs"]
mod password_reset;

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::accounts::limiter::AttemptLimits;
use server::accounts::password::Hashing;
use server::accounts::{demo, Accounts, AccountsError, Lifetimes, NewWorkspace};
use server::config::Config;
use server::state::AppState;
use shared::protocol::DeviceId;
use shared::sales::DeviceCode;
use uuid::Uuid;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Failure = Box<dyn std::error::Error>;

const MANON: &str = "manon@demo.carnet.test";
const REMI: &str = "remi@demo.carnet.test";
const RACHIDA: &str = "rachida@demo.carnet.test";

/// A server on port 0 with the demo accounts; stopped when the test ends.
struct TestApp {
    address: SocketAddr,
    state: AppState,
    _data: tempfile::TempDir,
}

/// An answer: status, JSON body (`Null` when empty) and headers (names lower-cased). Two answers
/// are equal when their status and body are: headers hold dates.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    headers: Vec<(String, String)>,
}

impl PartialEq for Answer {
    fn eq(&self, other: &Self) -> bool {
        (self.status, &self.body) == (other.status, &other.body)
    }
}

impl Answer {
    /// The value of header `name` (lower case), if present.
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

async fn spawn_app() -> Result<TestApp, Failure> {
    spawn_app_with(Lifetimes::default()).await
}

async fn spawn_app_with(lifetimes: Lifetimes) -> Result<TestApp, Failure> {
    spawn_app_adjusted(|accounts| accounts.with_lifetimes(lifetimes)).await
}

/// A server whose accounts service `adjust` changed (after the demo accounts were seeded).
async fn spawn_app_adjusted(adjust: impl FnOnce(Accounts) -> Accounts) -> Result<TestApp, Failure> {
    let data = tempfile::tempdir()?;
    let config = config(&data.path().to_string_lossy(), "127.0.0.1:0")?;
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let address = listener.local_addr()?;
    let mut state = AppState::open(&config).await?;
    state.accounts.seed_demo().await?;
    state.accounts = adjust(state.accounts.clone());
    tokio::spawn(server::run(listener, state.clone(), std::future::pending()));
    Ok(TestApp {
        address,
        state,
        _data: data,
    })
}

impl TestApp {
    /// Sends one request with an optional bearer token and JSON body.
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, Failure> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.map(Value::to_string).unwrap_or_default();
        let authorization = token
            .map(|token| format!("Authorization: Bearer {token}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
             {authorization}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{body}",
            address = self.address,
            length = body.len(),
        );
        let mut stream = tokio::net::TcpStream::connect(self.address).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let text = String::from_utf8(raw)?;
        let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .ok_or("no status line")?
            .parse()?;
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
            .collect();
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body)?
        };
        Ok(Answer {
            status,
            body,
            headers,
        })
    }

    async fn login(&self, body: Value) -> Result<Answer, Failure> {
        self.post("/api/auth/login", None, body).await
    }

    async fn refresh(&self, refresh_token: &str) -> Result<Answer, Failure> {
        self.post(
            "/api/auth/refresh",
            None,
            json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Result<Answer, Failure> {
        self.send("POST", path, token, Some(&body)).await
    }

    async fn get(&self, path: &str, token: &str) -> Result<Answer, Failure> {
        self.send("GET", path, Some(token), None).await
    }

    async fn delete(&self, path: &str, token: &str) -> Result<Answer, Failure> {
        self.send("DELETE", path, Some(token), None).await
    }

    /// Signs in with the demo password on a new device: the whole answer body.
    async fn sign_in(&self, email: &str, device_name: &str) -> Result<Value, Failure> {
        let answer = self
            .login(json!({"email": email, "password": demo::PASSWORD, "device_name": device_name}))
            .await?;
        assert_eq!(answer.status, 200, "{answer:?}");
        Ok(answer.body)
    }

    /// The ids of the devices `token` may list.
    async fn device_ids(&self, token: &str) -> Result<Vec<String>, Failure> {
        let answer = self.get("/api/devices", token).await?;
        assert_eq!(answer.status, 200, "{answer:?}");
        Ok(answer.body["devices"]
            .as_array()
            .ok_or("no device list")?
            .iter()
            .filter_map(|device| device["id"].as_str().map(str::to_owned))
            .collect())
    }
}

/// The server's configuration as its command line would give it.
fn config(data_dir: &str, bind: &str) -> Result<Config, Failure> {
    Ok(<Config as clap::Parser>::try_parse_from([
        "carnet-server",
        "--demo",
        "--bind",
        bind,
        "--data-dir",
        data_dir,
        "--dist-dir",
        &format!("{data_dir}/dist"),
    ])?)
}

fn text<'a>(body: &'a Value, field: &str) -> Result<&'a str, Failure> {
    Ok(body[field]
        .as_str()
        .ok_or_else(|| format!("no {field} in {body}"))?)
}

/// Asserts an error answer's status and stable code.
#[track_caller]
fn assert_code(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert_eq!(answer.body["code"], code, "{answer:?}");
}

/// `/api/devices/{id}` of a signed-in device.
fn device_path(signed_in: &Value) -> Result<String, Failure> {
    Ok(format!("/api/devices/{}", text(signed_in, "device_id")?))
}

fn device_id(body: &Value) -> Result<DeviceId, Failure> {
    Ok(DeviceId(Uuid::parse_str(text(body, "device_id")?)?))
}

/// A second workspace with its own admin, signed in: the admin's access token.
async fn other_workspace_admin(app: &TestApp) -> Result<String, Failure> {
    app.state
        .accounts
        .create_workspace(NewWorkspace {
            name: "Autre Société".to_owned(),
            admin_email: "alice@autre.test".to_owned(),
            admin_name: "Alice".to_owned(),
            admin_password: "autre-mot-de-passe".to_owned(),
        })
        .await?;
    let answer = app
        .login(
            json!({"email": "alice@autre.test", "password": "autre-mot-de-passe",
                   "device_name": "Bureau"}),
        )
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(text(&answer.body, "access_token")?.to_owned())
}

#[tokio::test]
async fn signing_in_answers_tokens_the_user_and_the_workspace() -> TestResult {
    let app = spawn_app().await?;
    let signed_in = app.sign_in(" Manon@Demo.Carnet.test ", "Tablette").await?;
    assert_eq!(signed_in["token_type"], "Bearer");
    assert_eq!(signed_in["access_expires_in_seconds"], 15 * 60);
    assert_eq!(signed_in["refresh_expires_in_seconds"], 30 * 24 * 60 * 60);
    assert_eq!(signed_in["user"]["email"], MANON);
    assert_eq!(signed_in["user"]["role"], "admin");
    assert_eq!(signed_in["workspace"]["name"], demo::WORKSPACE_NAME);
    assert_eq!(text(&signed_in, "access_token")?.len(), 64);
    assert_ne!(
        signed_in["access_token"], signed_in["refresh_token"],
        "two secrets"
    );
    let devices = app.device_ids(text(&signed_in, "access_token")?).await?;
    assert_eq!(devices, vec![text(&signed_in, "device_id")?.to_owned()]);
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() -> TestResult {
    let app = spawn_app().await?;
    let wrong_password = app
        .login(json!({"email": MANON, "password": "not-the-password", "device_name": "Tablette"}))
        .await?;
    let unknown_address = app
        .login(
            json!({"email": "nobody@demo.carnet.test", "password": demo::PASSWORD,
                   "device_name": "Tablette"}),
        )
        .await?;
    let not_an_address = app
        .login(json!({"email": "nobody", "password": demo::PASSWORD, "device_name": "Tablette"}))
        .await?;
    assert_code(&wrong_password, 401, "invalid_credentials");
    assert_eq!(wrong_password, unknown_address);
    assert_eq!(wrong_password, not_an_address);
    Ok(())
}

#[tokio::test]
async fn too_many_failed_sign_ins_are_rate_limited_even_with_the_right_password() -> TestResult {
    let app = spawn_app().await?;
    for _ in 0..AttemptLimits::default().per_address {
        let answer = app
            .login(json!({"email": REMI, "password": "guess-guess", "device_name": "Pirate"}))
            .await?;
        assert_eq!(answer.status, 401);
    }
    let answer = app
        .login(json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone"}))
        .await?;
    assert_code(&answer, 429, "rate_limited");
    // Another address is not held back.
    app.sign_in(RACHIDA, "Téléphone").await?;
    Ok(())
}

#[tokio::test]
async fn an_expired_access_token_answers_token_expired_and_a_bad_one_unauthorised() -> TestResult {
    let app = spawn_app_with(Lifetimes {
        access: Duration::ZERO,
        ..Lifetimes::default()
    })
    .await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    let expired = app
        .get("/api/devices", text(&signed_in, "access_token")?)
        .await?;
    assert_code(&expired, 401, "token_expired");
    let unknown = app.get("/api/devices", &"0".repeat(64)).await?;
    assert_code(&unknown, 401, "unauthorised");
    let missing = app.send("GET", "/api/devices", None, None).await?;
    assert_eq!(missing, unknown);
    Ok(())
}

#[tokio::test]
async fn refreshing_rotates_the_refresh_credential() -> TestResult {
    let app = spawn_app().await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    let old_refresh = text(&signed_in, "refresh_token")?;
    let refreshed = app.refresh(old_refresh).await?;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_eq!(refreshed.body["device_id"], signed_in["device_id"]);
    assert_ne!(refreshed.body["refresh_token"], signed_in["refresh_token"]);
    app.device_ids(text(&refreshed.body, "access_token")?)
        .await?;

    let again = app.refresh(text(&refreshed.body, "refresh_token")?).await?;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["device_id"], signed_in["device_id"]);
    Ok(())
}

#[tokio::test]
async fn an_expired_refresh_credential_is_refused() -> TestResult {
    let app = spawn_app_with(Lifetimes {
        refresh: Duration::ZERO,
        ..Lifetimes::default()
    })
    .await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    let answer = app.refresh(text(&signed_in, "refresh_token")?).await?;
    assert_code(&answer, 401, "unauthorised");
    Ok(())
}

#[tokio::test]
async fn signing_out_ends_the_credentials_but_the_device_may_sign_in_again() -> TestResult {
    let app = spawn_app().await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    let access = text(&signed_in, "access_token")?;
    let answer = app
        .post("/api/auth/logout", Some(access), json!({}))
        .await?;
    assert_eq!(answer.status, 204);
    assert_eq!(app.get("/api/devices", access).await?.status, 401);
    let refresh = app.refresh(text(&signed_in, "refresh_token")?).await?;
    assert_eq!(refresh.status, 401);

    let again = app
        .login(
            json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone",
                   "device_id": signed_in["device_id"]}),
        )
        .await?;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["device_id"], signed_in["device_id"]);
    Ok(())
}

#[tokio::test]
async fn a_signed_in_device_gets_a_code_and_keeps_it_when_it_signs_in_again() -> TestResult {
    let app = spawn_app().await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    let code = text(&signed_in, "device_code")?;
    assert_eq!(code.len(), 4);
    assert_eq!(DeviceCode::parse(code)?.as_str(), code);

    let again = app
        .login(
            json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone",
                   "device_id": signed_in["device_id"]}),
        )
        .await?;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["device_code"], signed_in["device_code"]);
    let other = app.sign_in(REMI, "Portable").await?;
    assert_ne!(other["device_code"], signed_in["device_code"]);

    let listed = app
        .get("/api/devices", text(&signed_in, "access_token")?)
        .await?;
    let phone = listed.body["devices"]
        .as_array()
        .ok_or("no device list")?
        .iter()
        .find(|device| device["id"] == signed_in["device_id"])
        .ok_or("the phone is not listed")?;
    assert_eq!(phone["code"], signed_in["device_code"]);
    Ok(())
}

#[tokio::test]
async fn reps_list_their_own_devices_and_admins_the_workspace_s() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let alice = other_workspace_admin(&app).await?;

    let remi_sees = app.device_ids(text(&remi, "access_token")?).await?;
    assert_eq!(remi_sees, vec![text(&remi, "device_id")?.to_owned()]);

    let mut manon_sees = app.device_ids(text(&manon, "access_token")?).await?;
    manon_sees.sort();
    let mut workspace = vec![
        text(&manon, "device_id")?.to_owned(),
        text(&remi, "device_id")?.to_owned(),
        text(&rachida, "device_id")?.to_owned(),
    ];
    workspace.sort();
    assert_eq!(manon_sees, workspace);

    let alice_sees = app.device_ids(&alice).await?;
    assert_eq!(alice_sees.len(), 1);
    assert!(!workspace.contains(&alice_sees[0]));
    Ok(())
}

#[tokio::test]
async fn a_revoked_device_cannot_call_refresh_or_sign_in_again_and_its_sessions_hear_of_it(
) -> TestResult {
    let app = spawn_app().await?;
    let phone = app.sign_in(REMI, "Téléphone").await?;
    let laptop = app.sign_in(REMI, "Portable").await?;
    let mut revocations = app.state.accounts.revocations();

    let path = device_path(&phone)?;
    let answer = app.delete(&path, text(&laptop, "access_token")?).await?;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_eq!(revocations.recv().await?, device_id(&phone)?);

    // Its credentials now say "revoked": at its next contact the device erases its copy.
    let call = app
        .get("/api/devices", text(&phone, "access_token")?)
        .await?;
    assert_code(&call, 403, "device_revoked");
    let refresh = app.refresh(text(&phone, "refresh_token")?).await?;
    assert_code(&refresh, 403, "device_revoked");
    let sign_in = app
        .login(
            json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone",
                   "device_id": phone["device_id"]}),
        )
        .await?;
    assert_code(&sign_in, 403, "device_refused");

    let listed = app
        .get("/api/devices", text(&laptop, "access_token")?)
        .await?;
    let revoked = listed.body["devices"]
        .as_array()
        .ok_or("no list")?
        .iter()
        .find(|device| device["id"] == phone["device_id"])
        .ok_or("the revoked device is still listed")?;
    assert!(revoked["revoked_at"].is_i64());
    Ok(())
}

/// The people `token` sees in the directory: (email, role, disabled).
async fn people(app: &TestApp, token: &str) -> Result<Vec<(String, String, bool)>, Failure> {
    let answer = app.get("/api/people", token).await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    Ok(answer.body["people"]
        .as_array()
        .ok_or("no people list")?
        .iter()
        .map(|person| {
            (
                person["email"].as_str().unwrap_or_default().to_owned(),
                person["role"].as_str().unwrap_or_default().to_owned(),
                person["disabled_at"].is_i64(),
            )
        })
        .collect())
}

/// The id of the person signed in as `signed_in`.
fn user_id(signed_in: &Value) -> Result<String, Failure> {
    Ok(signed_in["user"]["id"]
        .as_str()
        .ok_or("no user id")?
        .to_owned())
}

#[tokio::test]
async fn every_member_sees_the_workspace_s_people_and_no_one_else_s() -> TestResult {
    let app = spawn_app().await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let listed = people(&app, text(&remi, "access_token")?).await?;
    let emails: Vec<&str> = listed.iter().map(|(email, _, _)| email.as_str()).collect();
    assert_eq!(emails.len(), demo::USERS.len(), "{listed:?}");
    for email in demo::USERS.map(|user| user.email) {
        assert!(emails.contains(&email), "{email} is missing: {listed:?}");
    }
    assert!(listed.contains(&(MANON.to_owned(), "admin".to_owned(), false)));
    let other = other_workspace_admin(&app).await?;
    let theirs = people(&app, &other).await?;
    assert_eq!(
        theirs,
        vec![("alice@autre.test".to_owned(), "admin".to_owned(), false)]
    );
    Ok(())
}

#[tokio::test]
async fn a_disabled_person_loses_every_device_session_and_sign_in_at_once() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let phone = app.sign_in(REMI, "Téléphone").await?;
    let laptop = app.sign_in(REMI, "Portable").await?;
    let mut revocations = app.state.accounts.revocations();
    let path = format!("/api/people/{}/disable", user_id(&phone)?);
    let answer = app
        .post(&path, Some(text(&manon, "access_token")?), json!({}))
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, json!({"reassigned": 0}), "nobody was chosen");

    // Both devices' open sessions are told, so they close.
    let mut revoked = vec![revocations.recv().await?, revocations.recv().await?];
    revoked.sort_by_key(|device| device.0);
    let mut expected = vec![device_id(&phone)?, device_id(&laptop)?];
    expected.sort_by_key(|device| device.0);
    assert_eq!(revoked, expected);
    for device in [&phone, &laptop] {
        // Told "revoked" rather than "unknown", so the device erases its copy.
        let call = app
            .get("/api/devices", text(device, "access_token")?)
            .await?;
        assert_code(&call, 403, "device_revoked");
        let refresh = app.refresh(text(device, "refresh_token")?).await?;
        assert_code(&refresh, 403, "device_revoked");
    }
    // The right password on a new device is refused with the reason; a wrong one learns
    // nothing more than before.
    let sign_in = app
        .login(json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Nouveau"}))
        .await?;
    assert_code(&sign_in, 403, "person_disabled");
    let guess = app
        .login(json!({"email": REMI, "password": "pas-le-bon", "device_name": "Nouveau"}))
        .await?;
    assert_code(&guess, 401, "invalid_credentials");
    let listed = people(&app, text(&manon, "access_token")?).await?;
    assert!(
        listed.contains(&(REMI.to_owned(), "manager".to_owned(), true)),
        "{listed:?}"
    );
    // A colleague is untouched.
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    assert_eq!(
        app.device_ids(text(&rachida, "access_token")?).await?.len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn only_an_admin_disables_and_never_themselves_or_another_workspace_s_person() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let disable = |signed_in: &Value| -> Result<String, Failure> {
        Ok(format!("/api/people/{}/disable", user_id(signed_in)?))
    };
    let by_rep = app
        .post(
            &disable(&rachida)?,
            Some(text(&remi, "access_token")?),
            json!({}),
        )
        .await?;
    assert_code(&by_rep, 403, "forbidden");
    let themselves = app
        .post(
            &disable(&manon)?,
            Some(text(&manon, "access_token")?),
            json!({}),
        )
        .await?;
    assert_code(&themselves, 422, "invalid_input");
    let other = other_workspace_admin(&app).await?;
    let across = app
        .post(&disable(&rachida)?, Some(&other), json!({}))
        .await?;
    let unknown = app
        .post(
            &format!("/api/people/{}/disable", Uuid::new_v4()),
            Some(&other),
            json!({}),
        )
        .await?;
    assert_eq!(
        across, unknown,
        "another workspace's person answers like nobody"
    );
    assert_eq!(across.status, 404);
    // Rachida still works.
    assert_eq!(
        app.device_ids(text(&rachida, "access_token")?).await?.len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_colleague_for_the_handover_leaves_the_person_active() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let path = format!("/api/people/{}/disable", user_id(&rachida)?);
    let admin = text(&manon, "access_token")?;
    for colleague in [user_id(&rachida)?, Uuid::new_v4().to_string()] {
        let answer = app
            .post(&path, Some(admin), json!({"reassign_to": colleague}))
            .await?;
        assert_code(&answer, 422, "invalid_input");
    }
    // Rachida still works; with a real colleague she is disabled and nothing is left behind.
    assert_eq!(
        app.device_ids(text(&rachida, "access_token")?).await?.len(),
        1
    );
    let answer = app
        .post(&path, Some(admin), json!({"reassign_to": user_id(&remi)?}))
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"reassigned": 0}),
        "she held no records yet"
    );
    let call = app
        .get("/api/devices", text(&rachida, "access_token")?)
        .await?;
    assert_code(&call, 403, "device_revoked");
    // Her records can be handed over later too, to an active colleague only, by an admin.
    let later = format!("/api/people/{}/hand-over", user_id(&rachida)?);
    let to_herself = app
        .post(&later, Some(admin), json!({"to": user_id(&rachida)?}))
        .await?;
    assert_code(&to_herself, 422, "invalid_input");
    let by_manager = app
        .post(
            &later,
            Some(text(&remi, "access_token")?),
            json!({"to": user_id(&remi)?}),
        )
        .await?;
    assert_code(&by_manager, 403, "forbidden");
    let handed = app
        .post(&later, Some(admin), json!({"to": user_id(&remi)?}))
        .await?;
    assert_eq!(handed.status, 200, "{handed:?}");
    assert_eq!(handed.body, json!({"reassigned": 0}));
    Ok(())
}

#[tokio::test]
async fn an_admin_revokes_a_rep_s_device() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let path = device_path(&remi)?;
    let answer = app.delete(&path, text(&manon, "access_token")?).await?;
    assert_eq!(answer.status, 204);
    let call = app
        .get("/api/devices", text(&remi, "access_token")?)
        .await?;
    assert_code(&call, 403, "device_revoked");
    Ok(())
}

#[tokio::test]
async fn a_colleague_s_or_another_workspace_s_device_answers_like_a_random_id() -> TestResult {
    let app = spawn_app().await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let alice = other_workspace_admin(&app).await?;
    let remi_device = device_path(&remi)?;
    let rachida_device = device_path(&rachida)?;

    let random = app
        .delete(
            &format!("/api/devices/{}", Uuid::new_v4()),
            text(&remi, "access_token")?,
        )
        .await?;
    assert_code(&random, 404, "not_found");
    let garbage = app
        .delete("/api/devices/not-a-uuid", text(&remi, "access_token")?)
        .await?;
    let colleague = app
        .delete(&rachida_device, text(&remi, "access_token")?)
        .await?;
    let foreign = app.delete(&remi_device, &alice).await?;
    assert_eq!(garbage, random);
    assert_eq!(colleague, random);
    assert_eq!(foreign, random);
    // Nothing was revoked.
    app.device_ids(text(&remi, "access_token")?).await?;
    app.device_ids(text(&rachida, "access_token")?).await?;
    Ok(())
}

#[tokio::test]
async fn a_sync_ticket_is_redeemed_once_by_its_device() -> TestResult {
    let app = spawn_app().await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let answer = app
        .post(
            "/api/sync/ticket",
            Some(text(&remi, "access_token")?),
            json!({}),
        )
        .await?;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["expires_in_seconds"], 30);
    let ticket = text(&answer.body, "ticket")?;
    let device = device_id(&remi)?;
    let principal = app
        .state
        .accounts
        .redeem_ticket(ticket, device, std::time::SystemTime::now())
        .await?
        .ok_or("the ticket was refused")?;
    assert_eq!(principal.device, device);
    assert_eq!(
        app.state
            .accounts
            .redeem_ticket(ticket, device, std::time::SystemTime::now())
            .await?,
        None
    );
    let anonymous = app.post("/api/sync/ticket", None, json!({})).await?;
    assert_eq!(anonymous.status, 401);
    Ok(())
}

#[tokio::test]
async fn a_revoked_device_s_pending_ticket_is_refused_and_it_gets_no_new_one() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let access = text(&remi, "access_token")?;
    let answer = app
        .post("/api/sync/ticket", Some(access), json!({}))
        .await?;
    let ticket = text(&answer.body, "ticket")?;

    let path = device_path(&remi)?;
    let revoked = app.delete(&path, text(&manon, "access_token")?).await?;
    assert_eq!(revoked.status, 204);

    assert_eq!(
        app.state
            .accounts
            .redeem_ticket(ticket, device_id(&remi)?, std::time::SystemTime::now())
            .await?,
        None
    );
    let refused = app
        .post("/api/sync/ticket", Some(access), json!({}))
        .await?;
    assert_code(&refused, 403, "device_revoked");
    Ok(())
}

#[tokio::test]
async fn an_invited_rep_joins_the_admin_s_workspace_signed_in_and_the_code_works_once() -> TestResult
{
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let invitation = app
        .post(
            "/api/invitations",
            Some(text(&manon, "access_token")?),
            json!({"email": "Paul@Demo.Carnet.test", "role": "rep"}),
        )
        .await?;
    assert_eq!(invitation.status, 201, "{invitation:?}");
    assert_eq!(invitation.body["email"], "paul@demo.carnet.test");
    assert_eq!(invitation.body["expires_in_seconds"], 7 * 24 * 60 * 60);
    let code = text(&invitation.body, "code")?;

    let acceptance = json!({"code": code, "name": "Paul Martin", "password": "paul-mot-de-passe",
                            "device_name": "Téléphone"});
    let accepted = app
        .post("/api/invitations/accept", None, acceptance.clone())
        .await?;
    assert_eq!(accepted.status, 201, "{accepted:?}");
    assert_eq!(accepted.body["user"]["role"], "rep");
    assert_eq!(accepted.body["user"]["name"], "Paul Martin");
    assert_eq!(accepted.body["workspace"], manon["workspace"]);
    DeviceCode::parse(text(&accepted.body, "device_code")?)?;
    let manon_sees = app.device_ids(text(&manon, "access_token")?).await?;
    assert!(manon_sees.contains(&text(&accepted.body, "device_id")?.to_owned()));

    let reused = app
        .post("/api/invitations/accept", None, acceptance)
        .await?;
    assert_code(&reused, 404, "invitation_invalid");

    let signed_in = app
        .login(
            json!({"email": "paul@demo.carnet.test", "password": "paul-mot-de-passe",
                   "device_name": "Portable"}),
        )
        .await?;
    assert_eq!(signed_in.status, 200);
    Ok(())
}

#[tokio::test]
async fn an_admin_lists_pending_invitations_and_a_cancelled_code_stops_working() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let token = text(&manon, "access_token")?;
    let mut codes = Vec::new();
    for email in ["paul@demo.carnet.test", "lea@demo.carnet.test"] {
        let invitation = app
            .post(
                "/api/invitations",
                Some(token),
                json!({"email": email, "role": "rep"}),
            )
            .await?;
        assert_eq!(invitation.status, 201, "{invitation:?}");
        codes.push(text(&invitation.body, "code")?.to_owned());
    }
    let listed = app.get("/api/invitations", token).await?;
    assert_eq!(listed.status, 200, "{listed:?}");
    let pending = listed.body["invitations"].as_array().ok_or("no list")?;
    assert_eq!(pending.len(), 2, "{pending:?}");
    // The list never carries a code.
    assert!(!listed.body.to_string().contains(&codes[0]));
    let paul = pending
        .iter()
        .find(|invitation| invitation["email"] == "paul@demo.carnet.test")
        .ok_or("Paul's invitation is not listed")?;
    let path = format!("/api/invitations/{}", text(paul, "id")?);

    // A rep and another workspace's admin can neither list nor cancel.
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let by_rep = app
        .get("/api/invitations", text(&remi, "access_token")?)
        .await?;
    assert_code(&by_rep, 403, "forbidden");
    let other = other_workspace_admin(&app).await?;
    assert_eq!(app.delete(&path, &other).await?.status, 404);
    let theirs = app.get("/api/invitations", &other).await?;
    assert_eq!(theirs.body["invitations"], json!([]));
    assert_eq!(
        app.delete("/api/invitations/not-hex", token).await?.status,
        404
    );

    let cancelled = app.delete(&path, token).await?;
    assert_eq!(cancelled.status, 204, "{cancelled:?}");
    assert_eq!(app.delete(&path, token).await?.status, 404);
    let refused = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": codes[0], "name": "Paul", "password": "paul-mot-de-passe",
                   "device_name": "Téléphone"}),
        )
        .await?;
    assert_code(&refused, 404, "invitation_invalid");
    // The other invitation still works.
    let accepted = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": codes[1], "name": "Léa", "password": "lea-mot-de-passe",
                   "device_name": "Tablette"}),
        )
        .await?;
    assert_eq!(accepted.status, 201, "{accepted:?}");
    let listed = app.get("/api/invitations", token).await?;
    assert_eq!(listed.body["invitations"], json!([]));
    Ok(())
}

#[tokio::test]
async fn only_admins_invite_and_only_new_addresses() -> TestResult {
    let app = spawn_app().await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let by_rep = app
        .post(
            "/api/invitations",
            Some(text(&remi, "access_token")?),
            json!({"email": "paul@demo.carnet.test", "role": "rep"}),
        )
        .await?;
    assert_code(&by_rep, 403, "forbidden");
    let existing = app
        .post(
            "/api/invitations",
            Some(text(&manon, "access_token")?),
            json!({"email": RACHIDA, "role": "rep"}),
        )
        .await?;
    assert_code(&existing, 409, "email_taken");
    Ok(())
}

#[tokio::test]
async fn an_invitation_with_a_weak_password_or_a_bad_body_is_refused_with_a_code() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let invitation = app
        .post(
            "/api/invitations",
            Some(text(&manon, "access_token")?),
            json!({"email": "paul@demo.carnet.test", "role": "rep"}),
        )
        .await?;
    let weak = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": invitation.body["code"], "name": "Paul", "password": "court",
                   "device_name": "Téléphone"}),
        )
        .await?;
    assert_code(&weak, 422, "invalid_input");
    let malformed = app
        .post("/api/invitations/accept", None, json!({"code": 42}))
        .await?;
    assert_code(&malformed, 400, "invalid_request");
    let bad_role = app
        .post(
            "/api/invitations",
            Some(text(&manon, "access_token")?),
            json!({"email": "paul@demo.carnet.test", "role": "owner"}),
        )
        .await?;
    assert_eq!(bad_role.status, 400);
    Ok(())
}

#[tokio::test]
async fn create_workspace_makes_an_admin_who_signs_in_and_refuses_a_taken_address() -> TestResult {
    let app = spawn_app().await?;
    let workspace = NewWorkspace {
        name: "Fromagerie Dupont".to_owned(),
        admin_email: "claire@dupont.test".to_owned(),
        admin_name: "Claire Dupont".to_owned(),
        admin_password: "comté-18-mois".to_owned(),
    };
    let id = app
        .state
        .accounts
        .create_workspace(workspace.clone())
        .await?;
    let answer = app
        .login(
            json!({"email": "claire@dupont.test", "password": "comté-18-mois",
                   "device_name": "Bureau"}),
        )
        .await?;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["user"]["role"], "admin");
    assert_eq!(answer.body["workspace"]["id"], id.to_string());
    assert_eq!(answer.body["workspace"]["name"], "Fromagerie Dupont");

    let again = app.state.accounts.create_workspace(workspace).await;
    assert!(matches!(again, Err(AccountsError::EmailTaken)));
    Ok(())
}

#[tokio::test]
async fn demo_seeding_is_idempotent() -> TestResult {
    let app = spawn_app().await?;
    // `spawn_app` seeded once already.
    let again = app.state.accounts.seed_demo().await?;
    assert!(!again.created);
    for user in demo::USERS {
        let signed_in = app.sign_in(user.email, "Portable").await?;
        assert_eq!(signed_in["workspace"]["name"], demo::WORKSPACE_NAME);
    }
    let manon = app.sign_in(MANON, "Tablette").await?;
    assert_eq!(manon["workspace"]["id"], again.id.to_string());
    // One workspace, six people, a device each signed in above and Manon's second one.
    assert_eq!(
        app.device_ids(text(&manon, "access_token")?).await?.len(),
        demo::USERS.len() + 1
    );
    Ok(())
}

#[test]
fn the_demo_banner_tells_how_to_sign_in() -> TestResult {
    let config = config("data", "127.0.0.1:8080")?;
    let banner = server::banner(&config, config.bind);
    for needle in [MANON, REMI, RACHIDA, demo::PASSWORD, demo::WORKSPACE_NAME] {
        assert!(banner.contains(needle), "{needle} missing from {banner}");
    }
    let quiet = server::banner(
        &Config {
            demo: false,
            ..config
        },
        "127.0.0.1:8080".parse()?,
    );
    assert!(!quiet.contains(demo::PASSWORD));
    Ok(())
}

/// Limits small enough for a test to reach them in a few requests.
fn tight_limits() -> AttemptLimits {
    AttemptLimits {
        per_address: 3,
        per_client: 5,
        invitations_per_client: 10,
        ..AttemptLimits::default()
    }
}

/// A sign-in with the demo password for an address nobody has.
fn random_address_sign_in() -> Value {
    json!({"email": format!("{}@example.test", Uuid::new_v4()), "password": demo::PASSWORD,
           "device_name": "Script"})
}

/// Sends `bodies` to `path` all at once; every answer.
async fn flood(app: &TestApp, path: &str, bodies: Vec<Value>) -> Result<Vec<Answer>, Failure> {
    let answers =
        futures_util::future::join_all(bodies.into_iter().map(|body| app.post(path, None, body)))
            .await;
    answers.into_iter().collect()
}

/// How many answers have `status`.
fn count(answers: &[Answer], status: u16) -> usize {
    answers
        .iter()
        .filter(|answer| answer.status == status)
        .count()
}

#[tokio::test]
async fn a_flood_of_wrong_invitation_codes_hashes_nothing_and_is_cut_off_per_client() -> TestResult
{
    let app = spawn_app_adjusted(|accounts| accounts.with_attempt_limits(tight_limits())).await?;
    let before = app.state.accounts.hashing_stats();
    let bodies = (0..100)
        .map(|_| {
            json!({"code": Uuid::new_v4().to_string(), "name": "Pirate",
                   "password": "a-strong-password", "device_name": "Script"})
        })
        .collect();
    let answers = flood(&app, "/api/invitations/accept", bodies).await?;
    let (invalid, limited) = (count(&answers, 404), count(&answers, 429));
    assert_eq!(invalid + limited, answers.len(), "{answers:?}");
    assert_eq!(invalid, 10, "the client's budget of wrong codes");
    let after = app.state.accounts.hashing_stats();
    assert_eq!(
        after.started, before.started,
        "a wrong code is never hashed for"
    );
    assert_eq!(after.refused, before.refused);
    Ok(())
}

#[tokio::test]
async fn concurrent_sign_ins_never_run_more_hashes_than_the_cap_and_the_rest_are_told_to_retry(
) -> TestResult {
    let app = spawn_app_adjusted(|accounts| {
        accounts
            .with_hashing(Hashing::with_capacity(2))
            .with_attempt_limits(AttemptLimits {
                per_client: 1_000,
                ..AttemptLimits::default()
            })
    })
    .await?;
    let bodies = (0..60).map(|_| random_address_sign_in()).collect();
    let answers = flood(&app, "/api/auth/login", bodies).await?;
    let (wrong, busy) = (count(&answers, 401), count(&answers, 503));
    assert_eq!(wrong + busy, answers.len(), "{answers:?}");
    assert!(
        busy > 0,
        "60 concurrent sign-ins fit in 2 slots: {answers:?}"
    );
    for answer in answers.iter().filter(|answer| answer.status == 503) {
        assert_code(answer, 503, "server_busy");
        assert_eq!(answer.header("retry-after"), Some("1"), "{answer:?}");
    }
    let stats = app.state.accounts.hashing_stats();
    assert!(stats.peak <= 2, "{stats:?}");
    assert_eq!(stats.in_flight, 0);
    assert_eq!(usize::try_from(stats.refused)?, busy);
    // A busy answer gave its attempt back: only the checked ones count.
    assert_eq!(app.state.accounts.tracked_attempts(), wrong + 1);
    Ok(())
}

#[tokio::test]
async fn a_sign_in_finding_every_hashing_slot_taken_is_answered_503_and_not_counted() -> TestResult
{
    let app =
        spawn_app_adjusted(|accounts| accounts.with_hashing(Hashing::with_capacity(0))).await?;
    let answer = app
        .login(json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone"}))
        .await?;
    assert_code(&answer, 503, "server_busy");
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(app.state.accounts.tracked_attempts(), 0);
    Ok(())
}

#[tokio::test]
async fn random_address_sign_ins_from_one_client_are_refused_after_its_budget() -> TestResult {
    let app = spawn_app_adjusted(|accounts| accounts.with_attempt_limits(tight_limits())).await?;
    for _ in 0..tight_limits().per_client {
        let answer = app.login(random_address_sign_in()).await?;
        assert_code(&answer, 401, "invalid_credentials");
    }
    let refused = app.login(random_address_sign_in()).await?;
    assert_code(&refused, 429, "rate_limited");
    // The client is held back whatever it types, a real account included.
    let real = app
        .login(json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone"}))
        .await?;
    assert_code(&real, 429, "rate_limited");
    Ok(())
}

#[tokio::test]
async fn concurrent_guesses_against_one_address_cannot_exceed_its_failure_budget() -> TestResult {
    let app = spawn_app_adjusted(|accounts| {
        accounts
            .with_hashing(Hashing::with_capacity(64))
            .with_attempt_limits(AttemptLimits {
                per_client: 1_000,
                ..tight_limits()
            })
    })
    .await?;
    let bodies = (0..20)
        .map(|guess| {
            json!({"email": REMI, "password": format!("guess-number-{guess}"),
                   "device_name": "Pirate"})
        })
        .collect();
    let answers = flood(&app, "/api/auth/login", bodies).await?;
    assert_eq!(count(&answers, 401), 3, "{answers:?}");
    assert_eq!(count(&answers, 429), 17, "{answers:?}");
    Ok(())
}

#[tokio::test]
async fn an_address_longer_than_any_email_never_enters_the_limiter() -> TestResult {
    let app = spawn_app().await?;
    let huge = format!("{}@example.test", "a".repeat(1 << 20));
    let answer = app
        .login(json!({"email": huge, "password": "guess-guess", "device_name": "Pirate"}))
        .await?;
    assert_code(&answer, 422, "invalid_input");
    assert_eq!(app.state.accounts.tracked_attempts(), 0);
    assert_eq!(app.state.accounts.hashing_stats().refused, 0);
    // An address of a plausible length is tracked, with its client.
    let answer = app
        .login(
            json!({"email": "nobody@example.test", "password": "guess-guess",
                      "device_name": "Pirate"}),
        )
        .await?;
    assert_code(&answer, 401, "invalid_credentials");
    assert_eq!(app.state.accounts.tracked_attempts(), 2);
    Ok(())
}

#[tokio::test]
async fn a_replayed_refresh_token_revokes_the_device_its_tokens_and_its_sync_socket() -> TestResult
{
    use shared::protocol::codec::{decode_server, encode_client};
    use shared::protocol::{ClientMessage, ErrorCode, Hello, Seq, ServerMessage};
    use tokio_tungstenite::tungstenite::Message;

    let app = spawn_app().await?;
    let phone = app.sign_in(REMI, "Téléphone").await?;
    let laptop = app.sign_in(REMI, "Portable").await?;
    let device = device_id(&phone)?;

    // The phone syncs.
    let ticket = app
        .post(
            "/api/sync/ticket",
            Some(text(&phone, "access_token")?),
            json!({}),
        )
        .await?;
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/sync", app.address)).await?;
    let hello = ClientMessage::Hello(Hello {
        ticket: text(&ticket.body, "ticket")?.to_owned(),
        device,
        cursor: Seq(0),
    });
    socket
        .send(Message::Binary(encode_client(&hello)?.into()))
        .await?;
    let welcome = tokio::time::timeout(Duration::from_secs(20), socket.next())
        .await?
        .ok_or("closed before the welcome")??;
    assert!(matches!(
        decode_server(&welcome.into_data())?,
        ServerMessage::Welcome { .. }
    ));

    // A thief refreshes first with the phone's credential…
    let stolen = text(&phone, "refresh_token")?;
    let thief = app.refresh(stolen).await?;
    assert_eq!(thief.status, 200, "{thief:?}");
    let pending = app
        .post(
            "/api/sync/ticket",
            Some(text(&thief.body, "access_token")?),
            json!({}),
        )
        .await?;
    // …and the phone presents it again.
    let replayed = app.refresh(stolen).await?;
    assert_code(&replayed, 401, "unauthorised");

    // Every credential of the device is dead, the thief's included.
    for token in [
        text(&phone, "access_token")?,
        text(&thief.body, "access_token")?,
    ] {
        assert_eq!(app.get("/api/devices", token).await?.status, 401);
    }
    let thief_refresh = app.refresh(text(&thief.body, "refresh_token")?).await?;
    assert_code(&thief_refresh, 401, "unauthorised");
    assert_eq!(
        app.state
            .accounts
            .redeem_ticket(
                text(&pending.body, "ticket")?,
                device,
                std::time::SystemTime::now()
            )
            .await?,
        None,
        "a ticket issued before the replay is refused"
    );
    // Its sync socket is told and closed.
    let mut codes = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await? {
            Some(Ok(Message::Binary(bytes))) => {
                if let ServerMessage::Error { code, .. } = decode_server(&bytes)? {
                    codes.push(code);
                }
            }
            Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            Some(Ok(_)) => {}
        }
    }
    assert_eq!(codes, vec![ErrorCode::Unauthorised]);

    // The user's other device lives on, and the phone may sign in again with its password.
    app.device_ids(text(&laptop, "access_token")?).await?;
    let again = app
        .login(
            json!({"email": REMI, "password": demo::PASSWORD, "device_name": "Téléphone",
                      "device_id": phone["device_id"]}),
        )
        .await?;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["device_id"], phone["device_id"]);
    Ok(())
}

#[tokio::test]
async fn the_absolute_session_lifetime_stops_refreshing() -> TestResult {
    let app = spawn_app_with(Lifetimes {
        session: Duration::from_secs(600),
        ..Lifetimes::default()
    })
    .await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    assert_eq!(signed_in["refresh_expires_in_seconds"], 600);
    assert_eq!(signed_in["access_expires_in_seconds"], 600);

    // Time passes: the session has 5 seconds left, and refreshing does not extend it.
    let database = rusqlite::Connection::open(app._data.path().join("carnet.sqlite3"))?;
    database.busy_timeout(Duration::from_secs(5))?;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs(),
    )?;
    database.execute("UPDATE credentials SET session_ends_at = ?1", [now + 5])?;
    let refreshed = app.refresh(text(&signed_in, "refresh_token")?).await?;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let left = refreshed.body["refresh_expires_in_seconds"]
        .as_u64()
        .ok_or("no lifetime")?;
    assert!(left <= 5, "{refreshed:?}");
    assert!(refreshed.body["access_expires_in_seconds"].as_u64() <= Some(5));

    // The session ended.
    database.execute("UPDATE credentials SET session_ends_at = ?1", [now - 1])?;
    let ended = app.refresh(text(&refreshed.body, "refresh_token")?).await?;
    assert_code(&ended, 401, "unauthorised");
    Ok(())
}

#[tokio::test]
async fn a_session_lifetime_of_zero_gives_credentials_that_cannot_refresh() -> TestResult {
    let app = spawn_app_with(Lifetimes {
        session: Duration::ZERO,
        ..Lifetimes::default()
    })
    .await?;
    let signed_in = app.sign_in(REMI, "Téléphone").await?;
    assert_eq!(signed_in["refresh_expires_in_seconds"], 0);
    let answer = app.refresh(text(&signed_in, "refresh_token")?).await?;
    assert_code(&answer, 401, "unauthorised");
    Ok(())
}

#[tokio::test]
async fn every_answer_carrying_a_secret_forbids_caching() -> TestResult {
    let app = spawn_app().await?;
    let manon = app
        .login(json!({"email": MANON, "password": demo::PASSWORD, "device_name": "Portable"}))
        .await?;
    let refreshed = app.refresh(text(&manon.body, "refresh_token")?).await?;
    let access = text(&refreshed.body, "access_token")?.to_owned();
    let ticket = app
        .post("/api/sync/ticket", Some(&access), json!({}))
        .await?;
    let invitation = app
        .post(
            "/api/invitations",
            Some(&access),
            json!({"email": "paul@demo.carnet.test", "role": "rep"}),
        )
        .await?;
    let accepted = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": invitation.body["code"], "name": "Paul",
                   "password": "paul-mot-de-passe", "device_name": "Téléphone"}),
        )
        .await?;
    for (what, answer) in [
        ("login", &manon),
        ("refresh", &refreshed),
        ("ticket", &ticket),
        ("invitation", &invitation),
        ("accept", &accepted),
    ] {
        assert!((200..300).contains(&answer.status), "{what}: {answer:?}");
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
        assert_eq!(answer.header("pragma"), Some("no-cache"), "{what}");
    }
    Ok(())
}

#[tokio::test]
async fn an_admin_gives_a_person_a_role_territories_and_a_team_and_the_directory_says_so(
) -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Tablette").await?;
    let admin = text(&manon, "access_token")?;
    let rachida = app.sign_in(RACHIDA, "Téléphone").await?;
    let rachida_id = user_id(&rachida)?;
    let remi = app.sign_in(REMI, "Portable").await?;
    let remi_id = user_id(&remi)?;

    let access = app
        .send(
            "PUT",
            &format!("/api/people/{rachida_id}/access"),
            Some(admin),
            Some(&json!({"role": "rep", "territories": ["idf", " nord-est ", "idf"]})),
        )
        .await?;
    assert_eq!(access.status, 204, "{access:?}");
    let team = app
        .send(
            "PUT",
            "/api/teams",
            Some(admin),
            Some(
                &json!({"name": "Équipe Nord", "leads": [remi_id], "members": [rachida_id],
                         "territories": ["idf", "nord-est"]}),
            ),
        )
        .await?;
    assert_eq!(team.status, 204, "{team:?}");

    // Any member reads the directory with teams and territories.
    let listed = app
        .get("/api/people", text(&rachida, "access_token")?)
        .await?;
    let people = listed.body["people"].as_array().ok_or("no people")?;
    let her = people
        .iter()
        .find(|person| person["email"] == RACHIDA)
        .ok_or("Rachida is not listed")?;
    assert_eq!(her["territories"], json!(["idf", "nord-est"]));
    assert_eq!(her["teams"], json!(["Équipe Nord"]));
    let him = people
        .iter()
        .find(|person| person["email"] == REMI)
        .ok_or("Rémi is not listed")?;
    assert_eq!(him["leads"], json!(["Équipe Nord"]));
    let teams = app.get("/api/teams", text(&remi, "access_token")?).await?;
    assert_eq!(
        teams.body["teams"][0]["territories"],
        json!(["idf", "nord-est"])
    );

    // The relay reads the grants from there.
    let grants = app
        .state
        .access
        .grants(
            app.state
                .accounts
                .authenticate(text(&rachida, "access_token")?)
                .await?
                .workspace,
            rachida_id.parse::<server::identity::UserId>()?,
        )
        .await?
        .ok_or("no grants")?;
    assert_eq!(grants.territories.len(), 2);
    Ok(())
}

#[tokio::test]
async fn only_an_admin_changes_access_never_their_own_role_and_never_with_bad_names() -> TestResult
{
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Tablette").await?;
    let admin = text(&manon, "access_token")?;
    let rachida = app.sign_in(RACHIDA, "Téléphone").await?;
    let rachida_id = user_id(&rachida)?;
    let rep = text(&rachida, "access_token")?;
    let path = format!("/api/people/{rachida_id}/access");
    let body = json!({"role": "manager", "territories": []});
    let by_rep = app.send("PUT", &path, Some(rep), Some(&body)).await?;
    assert_code(&by_rep, 403, "forbidden");
    let team = json!({"name": "Équipe", "leads": [rachida_id]});
    let team_by_rep = app
        .send("PUT", "/api/teams", Some(rep), Some(&team))
        .await?;
    assert_code(&team_by_rep, 403, "forbidden");
    let own = format!("/api/people/{}/access", user_id(&manon)?);
    let demoted = app.send("PUT", &own, Some(admin), Some(&body)).await?;
    assert_code(&demoted, 422, "invalid_input");
    let long = json!({"role": "rep", "territories": ["x".repeat(81)]});
    let refused = app.send("PUT", &path, Some(admin), Some(&long)).await?;
    assert_code(&refused, 422, "invalid_input");
    let stranger = format!("/api/people/{}/access", uuid::Uuid::new_v4());
    let absent = app.send("PUT", &stranger, Some(admin), Some(&body)).await?;
    assert_code(&absent, 404, "not_found");
    let outsider = json!({"name": "Équipe", "members": [uuid::Uuid::new_v4()]});
    let unknown_member = app
        .send("PUT", "/api/teams", Some(admin), Some(&outsider))
        .await?;
    assert_code(&unknown_member, 422, "invalid_input");
    Ok(())
}

#[tokio::test]
async fn an_invited_manager_joins_as_a_manager() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let invitation = app
        .post(
            "/api/invitations",
            Some(text(&manon, "access_token")?),
            json!({"email": "lea@demo.carnet.test", "role": "manager"}),
        )
        .await?;
    assert_eq!(invitation.status, 201, "{invitation:?}");
    let accepted = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": text(&invitation.body, "code")?, "name": "Léa Roussel",
                   "password": "lea-mot-de-passe", "device_name": "Tablette"}),
        )
        .await?;
    assert_eq!(accepted.status, 201, "{accepted:?}");
    assert_eq!(accepted.body["user"]["role"], "manager");
    let listed = people(&app, text(&manon, "access_token")?).await?;
    assert!(
        listed.contains(&(
            "lea@demo.carnet.test".to_owned(),
            "manager".to_owned(),
            false
        )),
        "{listed:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_invitation_gives_its_teams_and_territories_on_acceptance_and_names_only_real_teams(
) -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let admin = text(&manon, "access_token")?;
    let team = app
        .send(
            "PUT",
            "/api/teams",
            Some(admin),
            Some(&json!({"name": "Équipe Ouest", "leads": [], "members": [], "territories": ["ouest"]})),
        )
        .await?;
    assert_eq!(team.status, 204, "{team:?}");
    // A team the workspace does not have invites nobody.
    let wrong = app
        .post(
            "/api/invitations",
            Some(admin),
            json!({"email": "lea@demo.carnet.test", "role": "rep", "teams": ["Équipe Fantôme"]}),
        )
        .await?;
    assert_code(&wrong, 422, "invalid_input");
    let invitation = app
        .post(
            "/api/invitations",
            Some(admin),
            json!({"email": "lea@demo.carnet.test", "role": "rep",
                   "teams": ["Équipe Ouest"], "territories": ["ouest", "centre"]}),
        )
        .await?;
    assert_eq!(invitation.status, 201, "{invitation:?}");
    // While it waits, the pending list says what it will give.
    let pending = app.get("/api/invitations", admin).await?;
    let waiting = pending.body["invitations"]
        .as_array()
        .ok_or("no pending list")?
        .iter()
        .find(|invitation| invitation["email"] == "lea@demo.carnet.test")
        .ok_or("Léa's invitation is not pending")?;
    assert_eq!(waiting["teams"], json!(["Équipe Ouest"]), "{waiting}");
    assert_eq!(
        waiting["territories"],
        json!(["centre", "ouest"]),
        "{waiting}"
    );
    // While it waits, the pending list says what it will give.
    let pending = app.get("/api/invitations", admin).await?;
    let waiting = pending.body["invitations"]
        .as_array()
        .ok_or("no pending list")?
        .iter()
        .find(|invitation| invitation["email"] == "lea@demo.carnet.test")
        .ok_or("Léa's invitation is not pending")?;
    assert_eq!(waiting["teams"], json!(["Équipe Ouest"]), "{waiting}");
    assert_eq!(
        waiting["territories"],
        json!(["centre", "ouest"]),
        "{waiting}"
    );
    let accepted = app
        .post(
            "/api/invitations/accept",
            None,
            json!({"code": text(&invitation.body, "code")?, "name": "Léa Roussel",
                   "password": "lea-mot-de-passe", "device_name": "Tablette"}),
        )
        .await?;
    assert_eq!(accepted.status, 201, "{accepted:?}");
    let listed = app.get("/api/people", admin).await?;
    let lea = listed.body["people"]
        .as_array()
        .ok_or("no people list")?
        .iter()
        .find(|person| person["email"] == "lea@demo.carnet.test")
        .ok_or("Léa is not listed")?;
    assert_eq!(lea["teams"], json!(["Équipe Ouest"]), "{lea}");
    assert_eq!(lea["territories"], json!(["centre", "ouest"]), "{lea}");
    Ok(())
}
