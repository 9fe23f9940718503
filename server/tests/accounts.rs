//! Accounts over real HTTP on a loopback port: sign-in, tokens, devices, revocation, sync
//! tickets, invitations, and the library calls behind `create-workspace` and `--demo`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use server::accounts::{demo, AccountsError, Lifetimes, NewWorkspace};
use server::config::Config;
use server::state::AppState;
use shared::protocol::DeviceId;
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

/// An answer: status and JSON body (`Null` when empty).
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    body: Value,
}

async fn spawn_app() -> Result<TestApp, Failure> {
    spawn_app_with(Lifetimes::default()).await
}

async fn spawn_app_with(lifetimes: Lifetimes) -> Result<TestApp, Failure> {
    let data = tempfile::tempdir()?;
    let config = Config {
        bind: "127.0.0.1:0".parse()?,
        data_dir: data.path().to_path_buf(),
        dist_dir: data.path().join("dist"),
        allowed_origins: Vec::new(),
        demo: true,
        demo_accounts: server::seeding::DEMO_ACCOUNTS,
        resources: Default::default(),
    };
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let address = listener.local_addr()?;
    let mut state = AppState::open(&config).await?;
    state.accounts = state.accounts.clone().with_lifetimes(lifetimes);
    state.accounts.seed_demo().await?;
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
        let status = head
            .split_whitespace()
            .nth(1)
            .ok_or("no status line")?
            .parse()?;
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body)?
        };
        Ok(Answer { status, body })
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
    for _ in 0..server::accounts::limiter::MAX_FAILURES {
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

    let replayed = app.refresh(old_refresh).await?;
    assert_code(&replayed, 401, "unauthorised");

    let again = app.refresh(text(&refreshed.body, "refresh_token")?).await?;
    assert_eq!(again.status, 200);
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

    let call = app
        .get("/api/devices", text(&phone, "access_token")?)
        .await?;
    assert_eq!(call.status, 401);
    let refresh = app.refresh(text(&phone, "refresh_token")?).await?;
    assert_eq!(refresh.status, 401);
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
    assert_eq!(call.status, 401);
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
        .redeem_ticket(ticket, device, Instant::now())
        .ok_or("the ticket was refused")?;
    assert_eq!(principal.device, device);
    assert_eq!(
        app.state
            .accounts
            .redeem_ticket(ticket, device, Instant::now()),
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
            .redeem_ticket(ticket, device_id(&remi)?, Instant::now()),
        None
    );
    let refused = app
        .post("/api/sync/ticket", Some(access), json!({}))
        .await?;
    assert_eq!(refused.status, 401);
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
    // One workspace, three people, four devices signed in above.
    assert_eq!(
        app.device_ids(text(&manon, "access_token")?).await?.len(),
        4
    );
    Ok(())
}

#[test]
fn the_demo_banner_tells_how_to_sign_in() -> TestResult {
    let config = Config {
        bind: "127.0.0.1:8080".parse()?,
        data_dir: "data".into(),
        dist_dir: "dist".into(),
        allowed_origins: Vec::new(),
        demo: true,
        demo_accounts: server::seeding::DEMO_ACCOUNTS,
        resources: Default::default(),
    };
    let banner = server::banner(&config, config.bind);
    for needle in [MANON, REMI, RACHIDA, demo::PASSWORD, demo::WORKSPACE_NAME] {
        assert!(banner.contains(needle), "{needle} missing from {banner}");
    }
    let quiet = server::banner(
        &Config {
            demo: false,
            demo_accounts: server::seeding::DEMO_ACCOUNTS,
            ..config
        },
        "127.0.0.1:8080".parse()?,
    );
    assert!(!quiet.contains(demo::PASSWORD));
    Ok(())
}
