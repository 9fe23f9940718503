//! The one small, hand-checked fixture every cockpit test reads (tests only).
//!
//! "Now" is 2026-05-15T10:00:00Z (noon in Paris, summer time), in the second quarter of 2026.
//! Two reps: Alice (teams Rhône and Export) and Bruno (Export). Two currencies: EUR and CHF.
//!
//! Accounts (owner, postcode → département, industry, hand-set stage):
//! - A1 Boulangerie Martin (Alice, 69003 → 69, Boulangerie, Active)
//! - A2 Fromagerie du Léman (Bruno, 01210 → 01, Fromagerie, Active) — buys in CHF
//! - A3 Boucherie Durand (Alice, 75011 → 75, Boucherie, Prospect)
//! - A4 Pâtisserie Leroy (Alice, 20090 → 2A, " Boulangerie ", Prospect)
//! - A5 Traiteur Ancien (Bruno, 97200 → 972, Traiteur, Active)
//! - A6 Café Sans Code (nobody, no postcode, no industry, Prospect)
//! - A7 Épicerie Roux (Alice, 20200 → 2B, Épicerie, Active)
//!
//! Deals: D1 bakery oven (A1, Alice, propose, open, 12 000.00 EUR, 50 %, closes 2026-06-20);
//! D2 Geneva slicer (A2, Bruno, propose, open, 8 000.00 CHF, 40 %, closes 2026-07-15);
//! D3 butcher scales (A3, Alice, qualify, open, 3 333.33 EUR, 10 %, closes 2026-05-30);
//! D4 an idea (A6, nobody, qualify, open, no amount); D5 pastry counter (A4, Alice, won
//! 2026-03-10T09:00Z, 5 000.00 EUR); D6 Lausanne mixer (A2, Bruno, lost 2026-03-20T15:00Z,
//! 2 000.00 CHF); D7 cold room (A1, Alice, won 2026-03-31T22:30Z — 1 April in Paris —,
//! 9 000.00 EUR); D8 (A5, Bruno, lost at an unknown moment, 1 000.00 EUR).
//!
//! Quotes (offer number, version, sent at, net, status): Q1v1 (0001, A1, Alice, 2026-03-02,
//! 10 000.00 EUR, sent), Q1v2 (0001, 2026-03-05, 9 500.00 EUR, accepted); Q2 (0002, A2, Bruno,
//! 2026-03-10, 4 000.00 CHF, accepted); Q3 (0003, A3, Alice, 2026-03-25, 2 000.00 EUR, sent);
//! Q4 (0004, A4, Alice, 2026-03-31T22:30Z — 1 April in Paris —, 1 500.00 EUR, accepted);
//! Q5 (0005, A1, Alice, draft).
//!
//! Orders (account, owner, status, day, lines, net):
//! - O1 A1 Alice delivered 2026-03-12 from Q1v2: 2 × P1 = 9 500.00 EUR
//! - O2 A1 Alice confirmed 2026-01-20: 100 × P2 = 1 000.00 EUR
//! - O3 A2 Bruno confirmed 2026-03-13 from Q2: 1 × P1 = 4 000.00 CHF
//! - O4 A2 Bruno cancelled 2026-04-02: 50 × P2 = 600.00 CHF
//! - O5 A4 Alice confirmed 2026-04-08 from Q4: 150 × P2 = 1 500.00 EUR
//! - O6 A5 Bruno delivered 2025-03-01: a free line = 700.00 EUR
//! - O7 A7 Alice delivered 2025-11-10: 1 × P1 = 4 750.00 EUR
//! - O8 A2 Bruno delivered 2025-12-15: 20 × P2 = 240.00 CHF
//! - O9 A7 Alice delivered 2025-12-10: 10 × P2 = 100.00 EUR
//! - O10 A7 Alice delivered 2026-01-09: 10 × P2 = 100.00 EUR
//!
//! Activities (ISO weeks of 2026 in Paris): Alice visits A1 2026-03-30T08:00Z (week 14), calls
//! A1 2026-04-02T09:00Z (14), meets A3 2026-04-05T21:30Z (Sunday 23:30 in Paris: 14), visits
//! A3 2026-04-05T22:30Z (Monday 00:30 in Paris: 15), visits A4 2026-05-11T08:00Z (20); Bruno
//! visits A2 2026-03-29T22:30Z (the night summer time began: Monday 00:30 in Paris, week 14)
//! and e-mails A2 2026-04-01T10:00Z (14).

use super::calendar::day_number;
use super::facts::{
    AccountFact, ActivityFact, DealFact, Facts, OrderFact, OrderLineFact, QuoteFact, TeamName,
    Teams,
};
use crate::account::{ActivityKind, LifecycleStage};
use crate::deal::DealStatus;
use crate::ids::{AccountId, DealId, OrderId, ProductId, QuoteId, UserId};
use crate::sales::{DocumentNumber, OrderStatus, Quantity, QuoteStatus};
use crate::values::{CurrencyCode, Date, Money, Postcode};

type Built<T> = Result<T, Box<dyn std::error::Error>>;

/// The fixture's facts and the names tests check them by.
pub(super) struct Fixture {
    pub(super) facts: Facts,
    pub(super) teams: Teams,
    pub(super) now: i64,
    pub(super) chf: CurrencyCode,
    pub(super) alice: UserId,
    pub(super) bruno: UserId,
    pub(super) rhone: TeamName,
    pub(super) export: TeamName,
    pub(super) accounts: [AccountId; 7],
    pub(super) products: [ProductId; 2],
}

/// Unix seconds of a UTC date and time.
pub(super) fn utc(date: &str, hours: i64, minutes: i64) -> Built<i64> {
    Ok(day_number(Date::parse(date)?) * 86_400 + hours * 3_600 + minutes * 60)
}

/// A numbered identifier, so ties break in a known order.
fn numbered(kind: u8, number: u8) -> [u8; 16] {
    let mut bytes = [0; 16];
    bytes[0] = kind;
    bytes[15] = number;
    bytes
}

impl Fixture {
    pub(super) fn new() -> Built<Self> {
        let chf = CurrencyCode::parse("CHF")?;
        let eur = CurrencyCode::EUR;
        let alice = UserId::from_bytes(numbered(1, 1));
        let bruno = UserId::from_bytes(numbered(1, 2));
        let rhone = TeamName("Rhône".to_owned());
        let export = TeamName("Export".to_owned());
        let mut teams = Teams::new();
        teams.join(alice, rhone.clone());
        teams.join(alice, export.clone());
        teams.join(bruno, export.clone());
        let accounts: [AccountId; 7] =
            std::array::from_fn(|index| AccountId::from_bytes(numbered(2, index as u8 + 1)));
        let [a1, a2, a3, a4, a5, a6, a7] = accounts;
        let products = [
            ProductId::from_bytes(numbered(3, 1)),
            ProductId::from_bytes(numbered(3, 2)),
        ];
        let [p1, p2] = products;
        let account = |id,
                       name: &str,
                       owner,
                       postcode: &str,
                       city: &str,
                       phone: Option<&str>,
                       industry: Option<&str>,
                       stage|
         -> Built<AccountFact> {
            Ok(AccountFact {
                id,
                name: name.to_owned(),
                owner,
                postcode: if postcode.is_empty() {
                    None
                } else {
                    Some(Postcode::parse(postcode)?)
                },
                city: city.to_owned(),
                phone: phone.map(str::to_owned),
                industry: industry.map(str::to_owned),
                stage,
            })
        };
        let accounts_facts = vec![
            account(
                a1,
                "Boulangerie Martin",
                Some(alice),
                "69003",
                "Lyon",
                Some("04 78 00 00 01"),
                Some("Boulangerie"),
                LifecycleStage::Active,
            )?,
            account(
                a2,
                "Fromagerie du Léman",
                Some(bruno),
                "01210",
                "Ferney-Voltaire",
                Some("04 50 00 00 02"),
                Some("Fromagerie"),
                LifecycleStage::Active,
            )?,
            account(
                a3,
                "Boucherie Durand",
                Some(alice),
                "75011",
                "Paris",
                None,
                Some("Boucherie"),
                LifecycleStage::Prospect,
            )?,
            account(
                a4,
                "Pâtisserie Leroy",
                Some(alice),
                "20090",
                "Ajaccio",
                None,
                Some(" Boulangerie "),
                LifecycleStage::Prospect,
            )?,
            account(
                a5,
                "Traiteur Ancien",
                Some(bruno),
                "97200",
                "Fort-de-France",
                None,
                Some("Traiteur"),
                LifecycleStage::Active,
            )?,
            account(
                a6,
                "Café Sans Code",
                None,
                "",
                "",
                None,
                None,
                LifecycleStage::Prospect,
            )?,
            account(
                a7,
                "Épicerie Roux",
                Some(alice),
                "20200",
                "Bastia",
                Some("04 95 00 00 07"),
                Some("Épicerie"),
                LifecycleStage::Active,
            )?,
        ];
        let deal = |number,
                    account,
                    owner,
                    stage: &str,
                    status,
                    amount: Option<Money>,
                    percent: u16,
                    expected: Option<&str>,
                    closed_at|
         -> Built<DealFact> {
            Ok(DealFact {
                id: DealId::from_bytes(numbered(4, number)),
                account: Some(account),
                owner,
                stage: stage.to_owned(),
                status,
                amount,
                probability: percent * 100,
                expected_close: expected.map(Date::parse).transpose()?,
                closed_at,
            })
        };
        let deals = vec![
            deal(
                1,
                a1,
                Some(alice),
                "propose",
                DealStatus::Open,
                Some(Money::new(1_200_000, eur)),
                50,
                Some("2026-06-20"),
                None,
            )?,
            deal(
                2,
                a2,
                Some(bruno),
                "propose",
                DealStatus::Open,
                Some(Money::new(800_000, chf)),
                40,
                Some("2026-07-15"),
                None,
            )?,
            deal(
                3,
                a3,
                Some(alice),
                "qualify",
                DealStatus::Open,
                Some(Money::new(333_333, eur)),
                10,
                Some("2026-05-30"),
                None,
            )?,
            deal(
                4,
                a6,
                None,
                "qualify",
                DealStatus::Open,
                None,
                10,
                None,
                None,
            )?,
            deal(
                5,
                a4,
                Some(alice),
                "sign",
                DealStatus::Won,
                Some(Money::new(500_000, eur)),
                90,
                None,
                Some(utc("2026-03-10", 9, 0)?),
            )?,
            deal(
                6,
                a2,
                Some(bruno),
                "sign",
                DealStatus::Lost,
                Some(Money::new(200_000, chf)),
                90,
                None,
                Some(utc("2026-03-20", 15, 0)?),
            )?,
            deal(
                7,
                a1,
                Some(alice),
                "sign",
                DealStatus::Won,
                Some(Money::new(900_000, eur)),
                90,
                None,
                Some(utc("2026-03-31", 22, 30)?),
            )?,
            deal(
                8,
                a5,
                Some(bruno),
                "negotiate",
                DealStatus::Lost,
                Some(Money::new(100_000, eur)),
                75,
                None,
                None,
            )?,
        ];
        let quote_ids: [QuoteId; 6] =
            std::array::from_fn(|index| QuoteId::from_bytes(numbered(5, index as u8 + 1)));
        let quote =
            |index: usize, offer: u32, account, owner, status, sent_at, net| -> Built<QuoteFact> {
                Ok(QuoteFact {
                    id: quote_ids[index],
                    number: DocumentNumber::parse(&format!("D-2026-7K2Q-{offer:04}"))?,
                    account,
                    owner,
                    status,
                    sent_at,
                    net,
                })
            };
        let quotes = vec![
            quote(
                0,
                1,
                a1,
                Some(alice),
                QuoteStatus::Sent,
                Some(utc("2026-03-02", 9, 0)?),
                Money::new(1_000_000, eur),
            )?,
            quote(
                1,
                1,
                a1,
                Some(alice),
                QuoteStatus::Accepted,
                Some(utc("2026-03-05", 9, 0)?),
                Money::new(950_000, eur),
            )?,
            quote(
                2,
                2,
                a2,
                Some(bruno),
                QuoteStatus::Accepted,
                Some(utc("2026-03-10", 10, 0)?),
                Money::new(400_000, chf),
            )?,
            quote(
                3,
                3,
                a3,
                Some(alice),
                QuoteStatus::Sent,
                Some(utc("2026-03-25", 10, 0)?),
                Money::new(200_000, eur),
            )?,
            quote(
                4,
                4,
                a4,
                Some(alice),
                QuoteStatus::Accepted,
                Some(utc("2026-03-31", 22, 30)?),
                Money::new(150_000, eur),
            )?,
            quote(
                5,
                5,
                a1,
                Some(alice),
                QuoteStatus::Draft,
                None,
                Money::new(50_000, eur),
            )?,
        ];
        let order = |number,
                     account,
                     owner,
                     status,
                     day: &str,
                     product: Option<ProductId>,
                     units: i64,
                     net: Money,
                     quote: Option<usize>|
         -> Built<OrderFact> {
            Ok(OrderFact {
                id: OrderId::from_bytes(numbered(6, number)),
                account,
                owner,
                status,
                ordered_on: Date::parse(day)?,
                lines: vec![OrderLineFact {
                    product,
                    quantity: Quantity::units(units)?,
                    net,
                }],
                net,
                quote: quote.map(|index| quote_ids[index]),
            })
        };
        let orders = vec![
            order(
                1,
                a1,
                Some(alice),
                OrderStatus::Delivered,
                "2026-03-12",
                Some(p1),
                2,
                Money::new(950_000, eur),
                Some(1),
            )?,
            order(
                2,
                a1,
                Some(alice),
                OrderStatus::Confirmed,
                "2026-01-20",
                Some(p2),
                100,
                Money::new(100_000, eur),
                None,
            )?,
            order(
                3,
                a2,
                Some(bruno),
                OrderStatus::Confirmed,
                "2026-03-13",
                Some(p1),
                1,
                Money::new(400_000, chf),
                Some(2),
            )?,
            order(
                4,
                a2,
                Some(bruno),
                OrderStatus::Cancelled,
                "2026-04-02",
                Some(p2),
                50,
                Money::new(60_000, chf),
                None,
            )?,
            order(
                5,
                a4,
                Some(alice),
                OrderStatus::Confirmed,
                "2026-04-08",
                Some(p2),
                150,
                Money::new(150_000, eur),
                Some(4),
            )?,
            order(
                6,
                a5,
                Some(bruno),
                OrderStatus::Delivered,
                "2025-03-01",
                None,
                1,
                Money::new(70_000, eur),
                None,
            )?,
            order(
                7,
                a7,
                Some(alice),
                OrderStatus::Delivered,
                "2025-11-10",
                Some(p1),
                1,
                Money::new(475_000, eur),
                None,
            )?,
            order(
                8,
                a2,
                Some(bruno),
                OrderStatus::Delivered,
                "2025-12-15",
                Some(p2),
                20,
                Money::new(24_000, chf),
                None,
            )?,
            order(
                9,
                a7,
                Some(alice),
                OrderStatus::Delivered,
                "2025-12-10",
                Some(p2),
                10,
                Money::new(10_000, eur),
                None,
            )?,
            order(
                10,
                a7,
                Some(alice),
                OrderStatus::Delivered,
                "2026-01-09",
                Some(p2),
                10,
                Money::new(10_000, eur),
                None,
            )?,
        ];
        let activity = |account, by, kind, at| ActivityFact {
            account,
            by,
            kind,
            at,
        };
        let activities = vec![
            activity(
                a1,
                Some(alice),
                ActivityKind::Visit,
                utc("2026-03-30", 8, 0)?,
            ),
            activity(
                a1,
                Some(alice),
                ActivityKind::Call,
                utc("2026-04-02", 9, 0)?,
            ),
            activity(
                a3,
                Some(alice),
                ActivityKind::Meeting,
                utc("2026-04-05", 21, 30)?,
            ),
            activity(
                a3,
                Some(alice),
                ActivityKind::Visit,
                utc("2026-04-05", 22, 30)?,
            ),
            activity(
                a4,
                Some(alice),
                ActivityKind::Visit,
                utc("2026-05-11", 8, 0)?,
            ),
            activity(
                a2,
                Some(bruno),
                ActivityKind::Visit,
                utc("2026-03-29", 22, 30)?,
            ),
            activity(
                a2,
                Some(bruno),
                ActivityKind::Email,
                utc("2026-04-01", 10, 0)?,
            ),
        ];
        Ok(Self {
            facts: Facts {
                accounts: accounts_facts,
                deals,
                quotes,
                orders,
                activities,
            },
            teams,
            now: utc("2026-05-15", 10, 0)?,
            chf,
            alice,
            bruno,
            rhone,
            export,
            accounts,
            products,
        })
    }
}
