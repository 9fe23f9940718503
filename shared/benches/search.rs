//! Search as the rep types: per-keystroke query time over 50,000 demo accounts (with their
//! contacts and deals), the index's build time and size, and a naive linear scan of the same
//! rows measured in the same run as the peer.
//!
//! Run with `cargo bench -p shared --bench search`. Generating 50,000 demo accounts takes minutes,
//! so it generates 10,000 and replicates their rows five times with new ids and names suffixed
//! " 2" … " 5" (contacts and deals follow their account's copy). Criterion reports means; the
//! p95 per keystroke is computed here over repeated runs of the typed sequence and printed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use shared::demo::{DemoData, DemoSpec};
use shared::ids::UserId;
use shared::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use shared::search::{search_terms, SearchIndex};

const GENERATED: usize = 10_000;
const COPIES: usize = 5;
const LIMIT: usize = 50;
const NOW: i64 = 1_767_225_600;

/// What a rep types, one keystroke at a time: a name, then a city.
const KEYSTROKES: &[&str] = &[
    "b",
    "bo",
    "bou",
    "boul",
    "boula",
    "boulan",
    "boulang",
    "boulange",
    "boulanger",
    "boulangeri",
    "boulangerie",
    "boulangerie ",
    "boulangerie l",
    "boulangerie ly",
    "boulangerie lyo",
    "boulangerie lyon",
];

type Failure = Box<dyn std::error::Error>;

struct Rows {
    accounts: Vec<AccountIndexRow>,
    contacts: Vec<ContactIndexRow>,
    deals: Vec<DealIndexRow>,
}

impl Rows {
    fn generate() -> Result<Self, Failure> {
        let spec = DemoSpec {
            seed: 7,
            accounts: GENERATED,
            manager: UserId::generate(),
            reps: (0..4).map(|_| UserId::generate()).collect(),
            now: NOW,
            workspace: None,
        };
        let mut data = DemoData::generate(&spec)?;
        let accounts: Vec<_> = data.accounts.iter_mut().map(|a| a.index_row()).collect();
        let contacts: Vec<_> = data
            .contacts
            .iter_mut()
            .filter_map(|c| c.index_row().ok())
            .collect();
        let deals: Vec<_> = data
            .deals
            .iter_mut()
            .filter_map(|d| d.index_row().ok())
            .collect();
        let mut rows = Self {
            accounts: Vec::new(),
            contacts: Vec::new(),
            deals: Vec::new(),
        };
        for copy in 1..=COPIES {
            let renamed = |id: &str| {
                if copy == 1 {
                    id.to_owned()
                } else {
                    format!("{id}-{copy}")
                }
            };
            let suffix = |name: &str| {
                if copy == 1 {
                    name.to_owned()
                } else {
                    format!("{name} {copy}")
                }
            };
            rows.accounts.extend(accounts.iter().map(|row| {
                let name = suffix(&row.name);
                let mut search_terms = row.search_terms.clone();
                search_terms.extend(search_terms_of(&name));
                search_terms.sort();
                search_terms.dedup();
                AccountIndexRow {
                    id: renamed(&row.id),
                    sort_name: search_terms_of(&name).join(" "),
                    name,
                    search_terms,
                    ..row.clone()
                }
            }));
            rows.contacts
                .extend(contacts.iter().map(|row| ContactIndexRow {
                    id: renamed(&row.id),
                    accounts: row.accounts.iter().map(|id| renamed(id)).collect(),
                    ..row.clone()
                }));
            rows.deals.extend(deals.iter().map(|row| DealIndexRow {
                id: renamed(&row.id),
                account: row.account.as_deref().map(renamed),
                ..row.clone()
            }));
        }
        Ok(rows)
    }

    fn index(&self) -> SearchIndex {
        let mut index = SearchIndex::new();
        self.accounts
            .iter()
            .for_each(|row| index.insert_account(row));
        self.contacts
            .iter()
            .for_each(|row| index.insert_contact(row));
        self.deals.iter().for_each(|row| index.insert_deal(row));
        index.shrink_to_fit();
        index
    }

    /// The peer: every row's terms checked against every word, then the matches sorted.
    fn scan(&self, text: &str, limit: usize) -> Vec<String> {
        let words = search_terms(text);
        if words.is_empty() {
            return Vec::new();
        }
        let matches = |terms: &mut dyn Iterator<Item = &str>| {
            let terms: Vec<&str> = terms.collect();
            words
                .iter()
                .all(|word| terms.iter().any(|term| term.starts_with(word.as_str())))
        };
        let mut hits: Vec<(bool, usize, &str, &str)> = Vec::new();
        for row in &self.accounts {
            let mut terms = search_terms_of(&row.city)
                .into_iter()
                .chain(search_terms_of(&row.name))
                .collect::<Vec<_>>();
            terms.extend(row.search_terms.iter().cloned());
            let mut all = terms
                .iter()
                .map(String::as_str)
                .chain(row.note_words.split(' '))
                .chain(row.report_words.split(' '));
            if matches(&mut all) {
                let starts = row.sort_name.starts_with(words[0].as_str());
                hits.push((!starts, row.name.len(), &row.name, &row.id));
            }
        }
        for row in &self.contacts {
            if matches(&mut row.search_terms.iter().map(String::as_str)) {
                let starts = row.sort_name.starts_with(words[0].as_str());
                hits.push((!starts, row.display_name.len(), &row.display_name, &row.id));
            }
        }
        for row in &self.deals {
            if matches(&mut row.search_terms.iter().map(String::as_str)) {
                let starts = row.search_terms.first() == Some(&words[0]);
                hits.push((!starts, row.title.len(), &row.title, &row.id));
            }
        }
        hits.sort_unstable();
        hits.truncate(limit);
        hits.into_iter()
            .map(|(_, _, _, id)| id.to_owned())
            .collect()
    }
}

fn search_terms_of(text: &str) -> Vec<String> {
    search_terms(text)
}

/// Runs the typed sequence `rounds` times; every keystroke's duration.
fn keystroke_times(rounds: usize, mut query: impl FnMut(&str) -> usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(rounds * KEYSTROKES.len());
    for _ in 0..rounds {
        for text in KEYSTROKES {
            let start = Instant::now();
            black_box(query(text));
            times.push(start.elapsed());
        }
    }
    times
}

fn summary(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort_unstable();
    let count = u32::try_from(times.len()).unwrap_or(u32::MAX).max(1);
    let mean = times.iter().sum::<Duration>() / count;
    let p95 = times
        .get(times.len() * 95 / 100)
        .copied()
        .unwrap_or_default();
    let max = times.last().copied().unwrap_or_default();
    (mean, p95, max)
}

fn search(criterion: &mut Criterion) {
    if let Err(failure) = measure(criterion) {
        eprintln!("the benchmark could not set up its rows: {failure}");
    }
}

fn measure(criterion: &mut Criterion) -> Result<(), Failure> {
    let started = Instant::now();
    let rows = Rows::generate()?;
    println!(
        "rows: {} accounts, {} contacts, {} deals ({GENERATED} demo accounts × {COPIES}, \
         generated in {:.1} s)",
        rows.accounts.len(),
        rows.contacts.len(),
        rows.deals.len(),
        started.elapsed().as_secs_f64()
    );
    let average = |text: fn(&AccountIndexRow) -> &str| {
        rows.accounts
            .iter()
            .map(|row| text(row).split(' ').filter(|w| !w.is_empty()).count())
            .sum::<usize>() as f64
            / rows.accounts.len() as f64
    };
    println!(
        "account rows: {:.1} note words, {:.1} report words on average",
        average(|row| &row.note_words),
        average(|row| &row.report_words)
    );

    let started = Instant::now();
    let index = rows.index();
    let built = started.elapsed();
    println!(
        "index: {} records, {} terms, built once in {:.0} ms; heap estimate {:.1} MiB",
        index.len(),
        index.term_count(),
        built.as_secs_f64() * 1e3,
        index.heap_size() as f64 / 1_048_576.0,
    );
    for text in ["b", "boulangerie lyon", "farine"] {
        let hits = index.query(text, 3);
        println!("{text:?}: {hits:?}");
    }

    let indexed = summary(keystroke_times(30, |text| index.query(text, LIMIT).len()));
    let scanned = summary(keystroke_times(3, |text| rows.scan(text, LIMIT).len()));
    println!(
        "per keystroke over {} keystrokes: index mean {:.2} ms, p95 {:.2} ms, max {:.2} ms; \
         linear scan mean {:.1} ms, p95 {:.1} ms; scan/index mean ratio {:.0}×, p95 ratio {:.0}×",
        KEYSTROKES.len(),
        indexed.0.as_secs_f64() * 1e3,
        indexed.1.as_secs_f64() * 1e3,
        indexed.2.as_secs_f64() * 1e3,
        scanned.0.as_secs_f64() * 1e3,
        scanned.1.as_secs_f64() * 1e3,
        scanned.0.as_secs_f64() / indexed.0.as_secs_f64(),
        scanned.1.as_secs_f64() / indexed.1.as_secs_f64(),
    );

    let mut group = criterion.benchmark_group("search");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("build the index of 50,000 accounts", |bench| {
        bench.iter(|| black_box(rows.index().len()));
    });
    group.bench_function(
        "type \"boulangerie lyon\" (16 keystrokes, index)",
        |bench| {
            bench.iter(|| {
                for text in KEYSTROKES {
                    black_box(index.query(text, LIMIT));
                }
            });
        },
    );
    group.bench_function(
        "type \"boulangerie lyon\" (16 keystrokes, linear scan)",
        |bench| {
            bench.iter(|| {
                for text in KEYSTROKES {
                    black_box(rows.scan(text, LIMIT));
                }
            });
        },
    );
    group.finish();
    Ok(())
}

criterion_group!(benches, search);
criterion_main!(benches);
