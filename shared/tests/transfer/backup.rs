use shared::account::AccountDocument;
use shared::demo::{DemoData, DemoSpec};
use shared::edit::Edit;
use shared::ids::UserId;
use shared::transfer::{
    merge_backup_document, Backup, BackupDocument, BackupError, DocumentKind, MergeError,
    BACKUP_MAGIC,
};

use super::{TestResult, NOW};

/// A demo workspace, its documents as backed up, and the backup file.
struct BackedUp {
    data: DemoData,
    documents: Vec<BackupDocument>,
    file: Vec<u8>,
}

fn demo_backup() -> Result<BackedUp, Box<dyn std::error::Error>> {
    let mut data = DemoData::generate(&DemoSpec {
        seed: 11,
        accounts: 12,
        manager: UserId::from_bytes([1; 16]),
        reps: vec![],
        now: NOW,
        workspace: None,
    })?;
    let documents: Vec<BackupDocument> = data
        .saved()
        .into_iter()
        .map(|saved| {
            Ok(BackupDocument {
                id: uuid::Uuid::from_bytes(saved.id).to_string(),
                kind: DocumentKind::from_name(saved.kind).ok_or("unknown kind")?,
                bytes: saved.bytes,
            })
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    let file = Backup::write(data.workspace, NOW, &documents)?;
    Ok(BackedUp {
        data,
        documents,
        file,
    })
}

#[test]
fn a_backup_reads_back_every_document_byte_for_byte() -> TestResult {
    let BackedUp {
        data,
        documents,
        file,
    } = demo_backup()?;
    assert!(file.starts_with(BACKUP_MAGIC));
    let backup = Backup::read(&file)?;
    assert_eq!(backup.manifest.workspace, data.workspace);
    assert_eq!(backup.manifest.created_at, NOW);
    assert_eq!(
        backup.manifest.counts.get(&DocumentKind::Account),
        Some(&12)
    );
    assert_eq!(
        backup.manifest.counts.get(&DocumentKind::Settings),
        Some(&1)
    );
    assert_eq!(backup.documents, documents);
    let listed: Vec<(&str, DocumentKind, usize)> = backup
        .documents()
        .map(|(id, kind, bytes)| (id, kind, bytes.len()))
        .collect();
    assert_eq!(listed.len(), data.document_count());
    Ok(())
}

#[test]
fn a_damaged_backup_is_refused_with_a_clear_error() -> TestResult {
    let BackedUp {
        documents, file, ..
    } = demo_backup()?;
    let last = documents.last().ok_or("no document")?;

    let mut flipped = file.clone();
    let at = flipped.len() - last.bytes.len() / 2;
    flipped[at] ^= 0x40;
    let error = Backup::read(&flipped)
        .err()
        .ok_or("a flipped byte was accepted")?;
    assert!(
        matches!(&error, BackupError::CorruptDocument { id } if *id == last.id),
        "{error:?}"
    );
    assert_eq!(error.code(), "corrupt_document");

    let mut manifest = file.clone();
    manifest[60] ^= 0x01;
    assert!(matches!(
        Backup::read(&manifest),
        Err(BackupError::CorruptManifest)
    ));

    for length in [3, 20, file.len() / 2, file.len() - 1] {
        assert!(
            matches!(Backup::read(&file[..length]), Err(BackupError::Truncated)),
            "cut at {length}"
        );
    }
    let mut longer = file.clone();
    longer.extend_from_slice(b"junk");
    assert!(matches!(
        Backup::read(&longer),
        Err(BackupError::TrailingBytes(4))
    ));

    let mut newer = file;
    newer[9] = 2;
    assert!(matches!(
        Backup::read(&newer),
        Err(BackupError::UnsupportedVersion(2))
    ));

    for garbage in [
        &b""[..],
        b"PK\x03\x04 a zip file",
        b"Raison sociale;Ville\r\n",
    ] {
        let error = Backup::read(garbage).err().ok_or("garbage was accepted")?;
        assert!(matches!(error, BackupError::NotABackup), "{error:?}");
        assert_eq!(error.to_string(), "this file is not a Carnet backup");
    }
    Ok(())
}

#[test]
fn restoring_merges_a_backup_into_current_data_and_keeps_its_history() -> TestResult {
    let BackedUp { mut data, file, .. } = demo_backup()?;
    let backup = Backup::read(&file)?;

    // A wiped device: every document restored from nothing is the same document.
    for (_, kind, bytes) in backup.documents() {
        let restored = merge_backup_document(kind, None, bytes)?;
        assert_eq!(restored.bytes, bytes);
        assert!(!restored.new_changes.is_empty());
    }

    // A device that kept editing after the backup, while the backed-up copy had edits of its
    // own: the merge keeps both, overwriting nothing.
    let account = &mut data.accounts[0];
    let id = account.id().to_string();
    let mut device = account.fork();
    device.update(&Edit::anonymous(NOW + 10), "rename", |a| {
        a.name = "Nom sur l'appareil".to_owned();
    })?;
    let mut backed_up = account.fork();
    backed_up.update(&Edit::anonymous(NOW + 20), "tag", |a| {
        a.tags.insert("sauvegarde");
    })?;
    let history_before = device.history().len();
    let merged = merge_backup_document(
        DocumentKind::Account,
        Some(&device.save()),
        &backed_up.save(),
    )?;
    let mut restored = AccountDocument::load(&merged.bytes)?;
    let record = restored.record()?;
    assert_eq!(record.name, "Nom sur l'appareil");
    assert!(record.tags.contains("sauvegarde"));
    assert_eq!(
        merged.new_changes.len(),
        1,
        "only the backup's own change is new"
    );
    assert_eq!(restored.history().len(), history_before + 1);
    assert_eq!(restored.id().to_string(), id);

    let other = data.accounts[1].save();
    let error = merge_backup_document(DocumentKind::Account, Some(&device.save()), &other)
        .err()
        .ok_or("two records were merged")?;
    assert!(matches!(error, MergeError::DifferentRecords { .. }));
    assert!(merge_backup_document(DocumentKind::Contact, None, &other).is_err());
    Ok(())
}
