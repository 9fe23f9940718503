//! The people directory: the workspace's members as the relay lists them (`GET /api/people`),
//! kept on the device so names show offline.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use shared::ids::UserId;

/// A member of the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their id (the one their changes' author carries).
    pub id: UserId,
    /// Their display name.
    pub name: String,
    /// Their sign-in address.
    pub email: String,
    /// Their role, as the relay names it (`admin`, `rep`…).
    pub role: String,
    /// When an admin disabled them (Unix seconds), if they did.
    #[serde(default)]
    pub disabled_at: Option<i64>,
    /// The teams they lead.
    #[serde(default)]
    pub leads: Vec<String>,
    /// The teams they belong to without leading.
    #[serde(default)]
    pub teams: Vec<String>,
    /// The territories (settings keys) they cover.
    #[serde(default)]
    pub territories: Vec<String>,
}

/// The directory, by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct People {
    by_id: HashMap<UserId, Person>,
}

impl People {
    /// The directory of `people` (a later entry for an id replaces an earlier one).
    pub fn new(people: Vec<Person>) -> Self {
        Self {
            by_id: people
                .into_iter()
                .map(|person| (person.id, person))
                .collect(),
        }
    }

    /// The name of `user`, when the directory knows them.
    pub fn name_of(&self, user: UserId) -> Option<&str> {
        self.by_id.get(&user).map(|person| person.name.as_str())
    }

    /// The role of `user` (`admin`, `manager`, `rep`…), when the directory knows them.
    pub fn role_of(&self, user: UserId) -> Option<&str> {
        self.by_id.get(&user).map(|person| person.role.as_str())
    }

    /// The people a record may be given to (active, not disabled), by name: id and name.
    pub fn owners(&self) -> Vec<(UserId, String)> {
        let mut owners: Vec<(UserId, String)> = self
            .by_id
            .values()
            .filter(|person| person.disabled_at.is_none())
            .map(|person| (person.id, person.name.clone()))
            .collect();
        owners.sort_by(|left, right| left.1.cmp(&right.1).then(left.0.cmp(&right.0)));
        owners
    }

    /// Every team someone belongs to or leads, by name, each once.
    pub fn teams(&self) -> Vec<String> {
        let teams: std::collections::BTreeSet<&String> = self
            .by_id
            .values()
            .flat_map(|person| person.teams.iter().chain(&person.leads))
            .collect();
        teams.into_iter().cloned().collect()
    }

    /// How many people the directory holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the directory is empty (never fetched, or signed out).
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_may_be_given_to_active_people_only_listed_by_name() {
        let person = |n: u8, name: &str, disabled_at: Option<i64>| Person {
            id: UserId::from_bytes([n; 16]),
            name: name.to_owned(),
            email: format!("{n}@carnet.test"),
            role: "rep".to_owned(),
            disabled_at,
            leads: Vec::new(),
            teams: Vec::new(),
            territories: Vec::new(),
        };
        let people = People::new(vec![
            person(1, "Rémi Garnier", None),
            person(2, "Julien Moreau", None),
            person(3, "Ancien Commercial", Some(1_764_806_400)),
        ]);
        let names: Vec<String> = people.owners().into_iter().map(|(_, name)| name).collect();
        assert_eq!(names, vec!["Julien Moreau", "Rémi Garnier"]);
    }

    fn person(name: &str) -> Person {
        Person {
            id: UserId::generate(),
            name: name.to_owned(),
            email: format!("{}@demo.carnet.test", name.to_lowercase()),
            role: "rep".to_owned(),
            disabled_at: None,
            leads: Vec::new(),
            teams: Vec::new(),
            territories: Vec::new(),
        }
    }

    #[test]
    fn a_known_colleague_is_named_and_a_stranger_is_not() {
        let remi = person("Rémi");
        let people = People::new(vec![person("Manon"), remi.clone()]);
        assert_eq!(people.name_of(remi.id), Some("Rémi"));
        assert_eq!(people.name_of(UserId::generate()), None);
        assert_eq!(people.len(), 2);
    }

    #[test]
    fn the_relay_s_answer_reads_with_or_without_a_disabled_date() -> Result<(), serde_json::Error> {
        let id = UserId::generate();
        let listed: Vec<Person> = serde_json::from_str(&format!(
            r#"[{{"id":"{id}","name":"Rémi Garnier","email":"remi@demo.carnet.test",
                 "role":"rep","current":false,"disabled_at":1764806400}},
                {{"id":"{other}","name":"Manon","email":"manon@demo.carnet.test","role":"admin"}}]"#,
            other = UserId::generate()
        ))?;
        assert_eq!(listed[0].disabled_at, Some(1_764_806_400));
        assert_eq!(listed[1].disabled_at, None);
        assert_eq!(People::new(listed).name_of(id), Some("Rémi Garnier"));
        Ok(())
    }
}
