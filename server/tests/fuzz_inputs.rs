//! Every committed fuzz input, replayed on stable as an ordinary test: the corpus
//! (`fuzz/corpus/<target>/`) and every past crash (`fuzz/regressions/<target>/`) go through the
//! very function the fuzz target calls (its file is included by path), so a crash found once by
//! the fuzzer fails `cargo test` for ever, with or without nightly.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/decode_messages.rs"]
pub mod decode_messages;
#[path = "../../fuzz/src/ingest_changes.rs"]
pub mod ingest_changes;
#[path = "../../fuzz/src/read_saved_search_index.rs"]
pub mod read_saved_search_index;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The fuzz crate's folder.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Every file of `fuzz/<folder>/<target>/`, sorted (a missing folder holds none).
fn inputs(folder: &str, target: &str) -> Result<Vec<PathBuf>, std::io::Error> {
    let directory = fuzz_dir().join(folder).join(target);
    if !directory.exists() {
        return Ok(Vec::new());
    }
    let mut files = std::fs::read_dir(directory)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()?;
    files.retain(|path| path.is_file());
    files.sort();
    Ok(files)
}

/// Replays every input of `target` through `run`; returns how many (corpus, regressions).
fn replay(target: &str, run: fn(&[u8])) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let corpus = inputs("corpus", target)?;
    let regressions = inputs("regressions", target)?;
    for path in corpus.iter().chain(&regressions) {
        let bytes = std::fs::read(path)?;
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} crashes {target}", path.display());
    }
    Ok((corpus.len(), regressions.len()))
}

#[test]
fn every_committed_decode_messages_input_replays_without_a_crash() -> TestResult {
    let (corpus, _regressions) = replay("decode_messages", decode_messages::run)?;
    assert!(
        corpus >= 10,
        "the decode_messages corpus is missing ({corpus} files)"
    );
    Ok(())
}

#[test]
fn every_committed_ingest_changes_input_and_past_crash_replays_without_a_crash() -> TestResult {
    let (corpus, regressions) = replay("ingest_changes", ingest_changes::run)?;
    assert!(
        corpus >= 10,
        "the ingest_changes corpus is missing ({corpus} files)"
    );
    assert!(
        regressions >= 3,
        "the past crashes of ingest_changes are missing ({regressions} files)"
    );
    Ok(())
}

#[test]
fn every_committed_read_saved_search_index_input_replays_without_a_crash() -> TestResult {
    let (corpus, _regressions) = replay("read_saved_search_index", read_saved_search_index::run)?;
    assert!(
        corpus >= 3,
        "the read_saved_search_index corpus is missing ({corpus} files)"
    );
    Ok(())
}

/// Writes the seed corpus of `read_saved_search_index` (real saved indexes) into
/// `fuzz/corpus/`: `cargo test -p server --test fuzz_inputs -- --ignored saved_search`.
#[test]
#[ignore = "writes files into fuzz/corpus; run by hand"]
fn write_the_saved_search_index_seeds() -> TestResult {
    use shared::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
    use shared::search::SearchIndex;

    let mut index = SearchIndex::new();
    let empty = index.to_bytes();
    index.insert_account(&AccountIndexRow {
        id: "a1".to_owned(),
        name: "Boulangerie Élevé".to_owned(),
        city: "Lyon".to_owned(),
        postcode: "69001".to_owned(),
        note_words: "farine bio".to_owned(),
        ..AccountIndexRow::default()
    });
    let one = index.to_bytes();
    index.insert_contact(&ContactIndexRow {
        id: "c1".to_owned(),
        display_name: "Léa Martin".to_owned(),
        sort_name: "Martin Léa".to_owned(),
        emails: vec!["lea@boulangerie.fr".to_owned()],
        accounts: vec!["a1".to_owned()],
        ..ContactIndexRow::default()
    });
    index.insert_deal(&DealIndexRow {
        id: "d1".to_owned(),
        title: "Four à pain".to_owned(),
        stage: "won".to_owned(),
        account: Some("a1".to_owned()),
        ..DealIndexRow::default()
    });
    let three = index.to_bytes();
    index.remove("c1");
    let removed = index.to_bytes();
    let directory = fuzz_dir().join("corpus").join("read_saved_search_index");
    std::fs::create_dir_all(&directory)?;
    for (name, bytes) in [
        ("seed-empty", empty),
        ("seed-one-account", one),
        ("seed-three-kinds", three),
        ("seed-after-removal", removed),
    ] {
        std::fs::write(directory.join(name), bytes)?;
    }
    Ok(())
}

/// Writes the seed corpus (real messages and changes of every kind) into `fuzz/corpus/`; run by
/// hand after the protocol changes: `cargo test -p server --test fuzz_inputs -- --ignored`.
#[test]
#[ignore = "writes files into fuzz/corpus; run by hand"]
fn write_the_seed_corpus() -> TestResult {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};
    use shared::protocol::codec::{encode_client, encode_server};
    use shared::protocol::{
        BatchId, Change, ClientMessage, DeviceId, DocumentId, DocumentSnapshot, Entry, ErrorCode,
        Hello, Seq, ServerMessage, PROTOCOL_VERSION,
    };

    let mut document = AutoCommit::new();
    document.put(ROOT, "name", "Boulangerie Dupont")?;
    document.commit();
    let first = document
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    let notes: Vec<String> = (0..3_000).map(|index| format!("visite{index}")).collect();
    document.put(ROOT, "notes", notes.join(" "))?;
    document.commit();
    let mut large = document.get_last_local_change().ok_or("no change")?;
    let compressed = large.bytes().into_owned();
    let mut colleague = document.fork();
    colleague.put(ROOT, "city", "Lyon")?;
    colleague.commit();
    document.put(ROOT, "city", "Villeurbanne")?;
    document.commit();
    document.merge(&mut colleague)?;
    document.put(ROOT, "stage", "won")?;
    document.commit();
    let merged = document
        .get_last_local_change()
        .ok_or("no change")?
        .raw_bytes()
        .to_vec();
    let saved = document.save();
    let changes: Vec<Vec<u8>> = [first.clone(), compressed.clone(), merged.clone()].to_vec();

    let ingest: Vec<(&str, Vec<u8>)> = vec![
        ("first-change", first.clone()),
        ("compressed-change", compressed.clone()),
        ("change-after-merge", merged),
        (
            "colleague-change",
            colleague
                .get_last_local_change()
                .ok_or("no change")?
                .raw_bytes()
                .to_vec(),
        ),
        ("saved-document", saved.clone()),
        ("truncated-change", first[..first.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("magic-only", vec![0x85, 0x6f, 0x4a, 0x83]),
        ("garbage", b"not automerge at all".to_vec()),
        (
            "compressed-change-truncated",
            compressed[..compressed.len() - 8].to_vec(),
        ),
    ];
    let device = DeviceId(uuid::Uuid::from_u128(7));
    let id = DocumentId(uuid::Uuid::from_u128(9));
    let push = ClientMessage::Push {
        batch: BatchId(1),
        changes: changes
            .iter()
            .map(|bytes| Change {
                document: id,
                bytes: bytes.clone(),
            })
            .collect(),
    };
    let mut decode: Vec<(&str, Vec<u8>)> = vec![
        (
            "hello",
            encode_client(&ClientMessage::Hello(Hello {
                ticket: "ticket".to_owned(),
                device,
                cursor: Seq(3),
            }))?,
        ),
        ("push", encode_client(&push)?),
        (
            "catch-up",
            encode_client(&ClientMessage::CatchUp { after: Seq(12) })?,
        ),
        (
            "snapshot-request",
            encode_client(&ClientMessage::Snapshot { document: id })?,
        ),
        ("ping", encode_client(&ClientMessage::Ping { nonce: 42 })?),
        (
            "bootstrap",
            encode_client(&ClientMessage::Bootstrap { after: Some(id) })?,
        ),
    ];
    let server: Vec<(&str, ServerMessage)> = vec![
        ("welcome", ServerMessage::Welcome { head: Seq(5) }),
        (
            "ack",
            ServerMessage::Ack {
                batch: BatchId(1),
                stored: 2,
                duplicates: 1,
            },
        ),
        (
            "entries",
            ServerMessage::Entries {
                entries: changes
                    .iter()
                    .zip(1..)
                    .map(|(bytes, seq)| Entry {
                        seq: Seq(seq),
                        change: Change {
                            document: id,
                            bytes: bytes.clone(),
                        },
                    })
                    .collect(),
                more: true,
            },
        ),
        (
            "snapshot",
            ServerMessage::Snapshot {
                document: id,
                bytes: saved.clone(),
                covers: Seq(3),
            },
        ),
        ("pong", ServerMessage::Pong { nonce: 42 }),
        (
            "error",
            ServerMessage::Error {
                code: ErrorCode::BadChange,
                message: "refused".to_owned(),
            },
        ),
        (
            "snapshots",
            ServerMessage::Snapshots {
                snapshots: vec![DocumentSnapshot {
                    document: id,
                    bytes: saved,
                    summary: None,
                }],
                epoch: Seq(3),
                next: None,
            },
        ),
    ];
    for (name, message) in server {
        decode.push((name, encode_server(PROTOCOL_VERSION, &message)?));
    }
    for (target, seeds) in [("ingest_changes", ingest), ("decode_messages", decode)] {
        let directory = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&directory)?;
        for (name, bytes) in seeds {
            std::fs::write(directory.join(format!("seed-{name}")), bytes)?;
        }
    }
    Ok(())
}
