//! Password reset links over real HTTP: an admin makes one for an active person of the
//! workspace; it sets a new password once and signs the device in; an expired, used, replaced,
//! unknown link, or one of a person disabled since, changes nothing; only admins make them, and
//! only for their workspace's active people.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use server::accounts::{demo, Lifetimes};
use uuid::Uuid;

use super::{
    assert_code, count, flood, other_workspace_admin, spawn_app, spawn_app_adjusted,
    spawn_app_with, text, tight_limits, user_id, Answer, Failure, TestApp, TestResult, MANON,
    RACHIDA, REMI,
};

/// Rachida's new password in these tests.
const NEW_PASSWORD: &str = "tournée-du-mardi";

/// `/api/people/{id}/password-reset` for the person signed in as `signed_in`.
fn reset_path(signed_in: &Value) -> Result<String, Failure> {
    Ok(format!(
        "/api/people/{}/password-reset",
        user_id(signed_in)?
    ))
}

/// The admin `admin` makes a reset link for `person`: the answer.
async fn make_link(app: &TestApp, admin: &Value, person: &Value) -> Result<Answer, Failure> {
    app.post(
        &reset_path(person)?,
        Some(text(admin, "access_token")?),
        json!({}),
    )
    .await
}

/// The token of a freshly made link.
async fn token_for(app: &TestApp, admin: &Value, person: &Value) -> Result<String, Failure> {
    let made = make_link(app, admin, person).await?;
    assert_eq!(made.status, 201, "{made:?}");
    Ok(text(&made.body, "token")?.to_owned())
}

/// Uses the reset link `token` with `password` on a new device.
async fn use_link(app: &TestApp, token: &str, password: &str) -> Result<Answer, Failure> {
    app.post(
        "/api/password-reset/accept",
        None,
        json!({"token": token, "password": password, "device_name": "Nouveau téléphone"}),
    )
    .await
}

/// Signs `email` in with `password` on a new device: the answer.
async fn sign_in_with(app: &TestApp, email: &str, password: &str) -> Result<Answer, Failure> {
    app.login(json!({"email": email, "password": password, "device_name": "Portable"}))
        .await
}

fn unix_now() -> Result<i64, Failure> {
    Ok(i64::try_from(
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs(),
    )?)
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_signs_the_person_in_and_works_once() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let before = unix_now()?;
    let made = make_link(&app, &manon, &rachida).await?;
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(made.header("cache-control"), Some("no-store"));
    let token = text(&made.body, "token")?;
    assert_eq!(token.len(), 64, "256 random bits in hexadecimal");
    let expires_at = made.body["expires_at"].as_i64().ok_or("no expiry")?;
    let lifetime = 72 * 60 * 60;
    assert!(
        (before + lifetime..=unix_now()? + lifetime).contains(&expires_at),
        "expires 72 hours from now: {expires_at}"
    );

    // A password breaking the rules is refused before the link is spent.
    let weak = use_link(&app, token, "court").await?;
    assert_code(&weak, 422, "invalid_input");

    let reset = use_link(&app, token, NEW_PASSWORD).await?;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(reset.header("cache-control"), Some("no-store"));
    assert_eq!(reset.body["user"]["email"], RACHIDA);
    assert_eq!(reset.body["user"]["role"], "rep");
    assert_eq!(reset.body["workspace"], manon["workspace"]);
    assert_eq!(reset.body["token_type"], "Bearer");
    shared::sales::DeviceCode::parse(text(&reset.body, "device_code")?)?;
    let new_device = app.device_ids(text(&reset.body, "access_token")?).await?;
    assert!(new_device.contains(&text(&reset.body, "device_id")?.to_owned()));

    let again = use_link(&app, token, "encore-un-autre").await?;
    assert_code(&again, 410, "reset_link_used");

    let old = sign_in_with(&app, RACHIDA, demo::PASSWORD).await?;
    assert_code(&old, 401, "invalid_credentials");
    let new = sign_in_with(&app, RACHIDA, NEW_PASSWORD).await?;
    assert_eq!(new.status, 200, "{new:?}");
    // The device signed in before the reset keeps working: a forgotten password is no breach.
    let kept = app.device_ids(text(&rachida, "access_token")?).await?;
    assert_eq!(kept.len(), 3, "{kept:?}");
    Ok(())
}

#[tokio::test]
async fn an_expired_reset_link_is_refused_and_changes_nothing() -> TestResult {
    let app = spawn_app_with(Lifetimes {
        password_reset: Duration::ZERO,
        ..Lifetimes::default()
    })
    .await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let token = token_for(&app, &manon, &rachida).await?;
    let expired = use_link(&app, &token, NEW_PASSWORD).await?;
    assert_code(&expired, 410, "reset_link_expired");
    assert_code(
        &sign_in_with(&app, RACHIDA, NEW_PASSWORD).await?,
        401,
        "invalid_credentials",
    );
    assert_eq!(
        sign_in_with(&app, RACHIDA, demo::PASSWORD).await?.status,
        200
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_or_replaced_reset_link_is_refused_and_the_newest_works() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let wrong = use_link(&app, &"0".repeat(64), NEW_PASSWORD).await?;
    assert_code(&wrong, 404, "reset_link_unknown");
    let malformed = app
        .post("/api/password-reset/accept", None, json!({"token": 42}))
        .await?;
    assert_code(&malformed, 400, "invalid_request");

    let first = token_for(&app, &manon, &rachida).await?;
    let second = token_for(&app, &manon, &rachida).await?;
    assert_ne!(first, second);
    let replaced = use_link(&app, &first, NEW_PASSWORD).await?;
    assert_code(&replaced, 410, "reset_link_replaced");
    assert_eq!(
        sign_in_with(&app, RACHIDA, demo::PASSWORD).await?.status,
        200,
        "a refused link changes nothing"
    );
    let reset = use_link(&app, &second, NEW_PASSWORD).await?;
    assert_eq!(reset.status, 200, "{reset:?}");
    Ok(())
}

#[tokio::test]
async fn only_an_admin_makes_a_reset_link_and_only_for_an_active_person_of_their_workspace(
) -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let remi = app.sign_in(REMI, "Téléphone").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;

    let by_manager = make_link(&app, &remi, &rachida).await?;
    assert_code(&by_manager, 403, "forbidden");
    let by_rep = make_link(&app, &rachida, &remi).await?;
    assert_code(&by_rep, 403, "forbidden");
    let anonymous = app.post(&reset_path(&rachida)?, None, json!({})).await?;
    assert_code(&anonymous, 401, "unauthorised");

    let other = other_workspace_admin(&app).await?;
    let across = app
        .post(&reset_path(&rachida)?, Some(&other), json!({}))
        .await?;
    let unknown = app
        .post(
            &format!("/api/people/{}/password-reset", Uuid::new_v4()),
            Some(&other),
            json!({}),
        )
        .await?;
    assert_eq!(
        across, unknown,
        "another workspace's person answers like nobody"
    );
    assert_code(&across, 404, "not_found");
    let malformed = app
        .post(
            "/api/people/not-an-id/password-reset",
            Some(text(&manon, "access_token")?),
            json!({}),
        )
        .await?;
    assert_code(&malformed, 404, "not_found");

    let disabled = app
        .post(
            &format!("/api/people/{}/disable", user_id(&remi)?),
            Some(text(&manon, "access_token")?),
            json!({}),
        )
        .await?;
    assert_eq!(disabled.status, 200, "{disabled:?}");
    let for_disabled = make_link(&app, &manon, &remi).await?;
    assert_code(&for_disabled, 403, "person_disabled");
    Ok(())
}

#[tokio::test]
async fn a_reset_link_of_a_person_disabled_since_is_refused_and_changes_nothing() -> TestResult {
    let app = spawn_app().await?;
    let manon = app.sign_in(MANON, "Portable").await?;
    let rachida = app.sign_in(RACHIDA, "Tablette").await?;
    let token = token_for(&app, &manon, &rachida).await?;
    let disabled = app
        .post(
            &format!("/api/people/{}/disable", user_id(&rachida)?),
            Some(text(&manon, "access_token")?),
            json!({}),
        )
        .await?;
    assert_eq!(disabled.status, 200, "{disabled:?}");
    let refused = use_link(&app, &token, NEW_PASSWORD).await?;
    assert_code(&refused, 403, "person_disabled");
    // The password is unchanged: the new one is simply wrong, the old one says "disabled".
    assert_code(
        &sign_in_with(&app, RACHIDA, NEW_PASSWORD).await?,
        401,
        "invalid_credentials",
    );
    assert_code(
        &sign_in_with(&app, RACHIDA, demo::PASSWORD).await?,
        403,
        "person_disabled",
    );
    Ok(())
}

#[tokio::test]
async fn a_flood_of_wrong_reset_tokens_hashes_nothing_and_is_cut_off_per_client() -> TestResult {
    let app = spawn_app_adjusted(|accounts| accounts.with_attempt_limits(tight_limits())).await?;
    let before = app.state.accounts.hashing_stats();
    let bodies = (0..100)
        .map(|_| {
            json!({"token": Uuid::new_v4().to_string(), "password": "a-strong-password",
                   "device_name": "Script"})
        })
        .collect();
    let answers = flood(&app, "/api/password-reset/accept", bodies).await?;
    let (unknown, limited) = (count(&answers, 404), count(&answers, 429));
    assert_eq!(unknown + limited, answers.len(), "{answers:?}");
    assert_eq!(unknown, 10, "the client's budget of wrong codes");
    let after = app.state.accounts.hashing_stats();
    assert_eq!(
        after.started, before.started,
        "a wrong token is never hashed for"
    );
    Ok(())
}
