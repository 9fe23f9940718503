//! Passwords: the rules a new one must meet, and argon2id hashing and checking on the blocking
//! pool (each takes tens of milliseconds of CPU and would stall an async worker).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

/// A password that meets the rules for a new account.
#[derive(Clone)]
pub struct NewPassword(String);

/// A new password that is too short or too long.
#[derive(Debug, thiserror::Error)]
#[error("a password must have {min} to {max} characters", min = NewPassword::MIN_CHARS, max = MAX_BYTES)]
pub struct WeakPassword;

/// Why hashing or checking failed (never "wrong password": that is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// argon2 refused its input.
    #[error("argon2 failed")]
    Argon2(#[from] argon2::password_hash::Error),
    /// A stored hash does not parse.
    #[error("a stored password hash is corrupt")]
    StoredHash(#[from] argon2::password_hash::phc::Error),
    /// The blocking task died before answering.
    #[error("the hashing task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// The longest password accepted, in bytes: argon2's cost must not grow with attacker input.
pub const MAX_BYTES: usize = 1024;

/// A hash of a password nobody knows, checked when the email is unknown so that an unknown address
/// costs the same argon2 work as a wrong password (same parameters as [`hash`] uses).
const UNKNOWN_USER_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$x1Xv0gP1MNnqD9M0u9MZEw$HQEHiA5JBy8/Tt2wXxL3WXnOrH6kJfJm0dpM3iGQCGc";

impl NewPassword {
    /// The shortest password accepted, in characters.
    pub const MIN_CHARS: usize = 8;

    /// Checks the length rules.
    pub fn parse(text: String) -> Result<Self, WeakPassword> {
        let long_enough = text.chars().count() >= Self::MIN_CHARS;
        (long_enough && text.len() <= MAX_BYTES)
            .then_some(Self(text))
            .ok_or(WeakPassword)
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("NewPassword(..)")
    }
}

/// Hashes `password` with argon2id and a random salt, as a PHC string.
pub async fn hash(password: NewPassword) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || {
        Ok(Argon2::default()
            .hash_password(password.0.as_bytes())?
            .to_string())
    })
    .await?
}

/// Whether `password` matches `stored`; with no stored hash (an unknown user) the same work is
/// done against a hash nobody knows and the answer is `false`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| UNKNOWN_USER_HASH.to_owned());
        let parsed = PasswordHash::new(&stored)?;
        let password = password.as_bytes();
        // Over-long input is checked against nothing rather than hashed: its length is not secret.
        let matches = password.len() <= MAX_BYTES
            && Argon2::default().verify_password(password, &parsed).is_ok();
        Ok(known && matches)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_another_does_not(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let stored = hash(NewPassword::parse("carnet-demo".to_owned())?).await?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("carnet-demo".to_owned(), Some(stored.clone())).await?);
        assert!(!verify("carnet-demo!".to_owned(), Some(stored)).await?);
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_user_is_checked_against_a_valid_hash_and_refused(
    ) -> Result<(), Box<dyn std::error::Error>> {
        assert!(PasswordHash::new(UNKNOWN_USER_HASH).is_ok());
        assert!(!verify("carnet-demo".to_owned(), None).await?);
        Ok(())
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(NewPassword::parse("short".to_owned()).is_err());
        assert!(NewPassword::parse("x".repeat(MAX_BYTES + 1)).is_err());
        assert!(NewPassword::parse("eight ch".to_owned()).is_ok());
    }
}
