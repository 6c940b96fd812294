use phr_store::{
    AuditFilter, ByStaff, DbKey, DeskStaff, PersonRecord, SEARCH_RANKED, SavedFlow, SignIn, Store, StoreError,
};
use tempfile::TempDir;

async fn open() -> (TempDir, Store, DbKey) {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let store = Store::open(&dir.path().join("cache.db"), &key).await.unwrap();
    (dir, store, key)
}

fn asha() -> PersonRecord {
    PersonRecord {
        full_name: "Asha Verma".into(),
        gender: "F".into(),
        year_of_birth: 1987,
        abha_number_masked: Some("XX-XXXX-XXXX-2109".into()),
        mobile_masked: Some("******3210".into()),
        email_masked: None,
        kyc_verified: false,
        photo: None,
        addresses: vec!["asha.verma@sbx".into(), "ashav.pune@sbx".into()],
        default_address: Some("asha.verma@sbx".into()),
        abha_number_key: None,
        mobile_key: None,
    }
}

#[tokio::test]
async fn the_file_is_sqlcipher_encrypted_and_holds_no_plain_text() {
    let (dir, store, _) = open().await;
    assert!(store.cipher_version().await.unwrap().is_some(), "SQLCipher is linked");
    store.save_person(&asha(), 1).await.unwrap();
    store.append_audit(1, "front-desk", "verified", Some("asha.verma@sbx")).await.unwrap();
    store.close().await;

    let mut bytes = std::fs::read(dir.path().join("cache.db")).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("cache.db-wal")) {
        bytes.extend(wal);
    }
    assert!(!bytes.starts_with(b"SQLite format 3"), "the header is encrypted too");
    let text = String::from_utf8_lossy(&bytes);
    for plain in ["Asha Verma", "asha.verma@sbx", "3210", "front-desk", "CREATE TABLE"] {
        assert!(!text.contains(plain), "{plain:?} is readable in the database file");
    }
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_the_right_one_reads() {
    let (dir, store, key) = open().await;
    store.save_person(&asha(), 1).await.unwrap();
    store.close().await;
    let path = dir.path().join("cache.db");

    let wrong = Store::open(&path, &DbKey::random()).await;
    assert!(matches!(wrong, Err(StoreError::WrongKey { .. })), "{wrong:?}");

    let again = Store::open(&path, &key).await.unwrap();
    let person = again.person_by_address("ashav.pune@sbx").await.unwrap().expect("still cached");
    assert_eq!(person.record.full_name, "Asha Verma");
}

#[tokio::test]
async fn a_key_from_a_passphrase_opens_the_same_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let salt = DbKey::new_salt();
    let passphrase = abdm_types::Sensitive::from("mango monsoon ledger 42");
    let store = Store::open(&path, &DbKey::from_passphrase(&passphrase, &salt).unwrap()).await.unwrap();
    store.save_person(&asha(), 1).await.unwrap();
    store.close().await;

    let reopened = Store::open(&path, &DbKey::from_passphrase(&passphrase, &salt).unwrap()).await.unwrap();
    assert!(reopened.person_by_address("asha.verma@sbx").await.unwrap().is_some());
    let other = DbKey::from_passphrase(&abdm_types::Sensitive::from("wrong passphrase"), &salt).unwrap();
    assert!(matches!(Store::open(&path, &other).await, Err(StoreError::WrongKey { .. })));
}

#[tokio::test]
async fn a_person_is_saved_with_addresses_and_updated_not_duplicated() {
    let (_dir, store, _) = open().await;
    let id = store.save_person(&asha(), 1).await.unwrap();
    let mut newer = asha();
    newer.kyc_verified = true;
    newer.addresses.push("asha.health@sbx".into());
    assert_eq!(store.save_person(&newer, 2).await.unwrap(), id, "same person, found by an address");

    let person = store.person_by_address("asha.health@sbx").await.unwrap().unwrap();
    assert_eq!(person.id, id);
    assert!(person.record.kyc_verified);
    assert_eq!(person.updated_at, 2);
    let mut addresses = person.record.addresses.clone();
    addresses.sort();
    assert_eq!(addresses, ["asha.health@sbx", "asha.verma@sbx", "ashav.pune@sbx"]);
    assert_eq!(person.record.default_address.as_deref(), Some("asha.verma@sbx"));
    assert!(store.person_by_address("nobody@sbx").await.unwrap().is_none());
}

#[tokio::test]
async fn search_finds_people_by_name_prefix_address_and_masked_digits() {
    let (_dir, store, _) = open().await;
    store.save_person(&asha(), 1).await.unwrap();
    let mut ravi = asha();
    ravi.full_name = "Ravi Kumar".into();
    ravi.addresses = vec!["ravi.kumar@sbx".into()];
    ravi.default_address = None;
    ravi.mobile_masked = Some("******7788".into());
    ravi.abha_number_masked = None;
    store.save_person(&ravi, 1).await.unwrap();

    let names = |people: Vec<phr_store::Person>| people.into_iter().map(|p| p.record.full_name).collect::<Vec<_>>();
    assert_eq!(names(store.search_people("as ver", 20).await.unwrap()), ["Asha Verma"]);
    assert_eq!(names(store.search_people("ravi.kumar@sbx", 20).await.unwrap()), ["Ravi Kumar"]);
    assert_eq!(names(store.search_people("7788", 20).await.unwrap()), ["Ravi Kumar"]);
    assert_eq!(names(store.search_people("2109", 20).await.unwrap()), ["Asha Verma"]);
    assert!(store.search_people("\"OR NEAR(", 20).await.unwrap().is_empty(), "FTS syntax is plain text");
    assert!(store.search_people("", 20).await.unwrap().is_empty());
}

/// A returning person whose searchable words are the same leaves the search
/// index alone (rewriting it writes each word and five prefixes again, on every
/// sign-in); changed words replace the old ones.
#[tokio::test]
async fn the_search_row_is_rewritten_only_when_its_words_change() {
    use sqlx::Connection;
    let (dir, store, key) = open().await;
    store.save_person(&asha(), 1).await.unwrap();
    let mut db =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", dir.path().join("cache.db").display())).await.unwrap();
    sqlx::query(&format!("PRAGMA key = \"x'{}'\"", key.expose_hex())).execute(&mut db).await.unwrap();
    // FTS5's structure record changes with every write to the index.
    let structure = "SELECT block FROM people_search_data WHERE id = 10";
    let before: Vec<u8> = sqlx::query_scalar(structure).fetch_one(&mut db).await.unwrap();

    store.save_person(&asha(), 2).await.unwrap();
    let after: Vec<u8> = sqlx::query_scalar(structure).fetch_one(&mut db).await.unwrap();
    assert_eq!(before, after, "the same words: the index is not written");

    let mut renamed = asha();
    renamed.full_name = "Asha Sharma".into();
    renamed.addresses.push("asha.sharma@sbx".into());
    store.save_person(&renamed, 3).await.unwrap();
    let after: Vec<u8> = sqlx::query_scalar(structure).fetch_one(&mut db).await.unwrap();
    assert_ne!(before, after, "new words: the index is written");
    let names = |people: Vec<phr_store::Person>| people.into_iter().map(|p| p.record.full_name).collect::<Vec<_>>();
    assert_eq!(names(store.search_people("sharma", 20).await.unwrap()), ["Asha Sharma"]);
    assert_eq!(names(store.search_people("asha.sharma@sbx", 20).await.unwrap()), ["Asha Sharma"]);
    assert_eq!(store.search_people("asha", 20).await.unwrap().len(), 1, "one row, not two");
    db.close().await.unwrap();
}

#[tokio::test]
async fn a_common_name_ranks_the_newest_matches_and_another_word_finds_an_older_one() {
    let (_dir, store, _) = open().await;
    let person = |n: u32| {
        let mut record = asha();
        record.full_name = if n == 0 { "Kumar Oldest".into() } else { format!("Kumar Number{n}") };
        record.addresses = vec![format!("kumar.{n}@sbx")];
        record.default_address = None;
        record
    };
    let people: Vec<_> = (0..SEARCH_RANKED + 50).map(person).collect();
    store.save_people(&people, 1).await.unwrap();

    let found = store.search_people("kumar", 20).await.unwrap();
    assert_eq!(found.len(), 20);
    let newest_ranked = people.len() - SEARCH_RANKED as usize;
    for p in &found {
        let n: usize = p.record.addresses[0].trim_start_matches("kumar.").trim_end_matches("@sbx").parse().unwrap();
        assert!(n >= newest_ranked, "{} is not among the newest {SEARCH_RANKED} matches", p.record.full_name);
    }
    let older = store.search_people("kumar old", 20).await.unwrap();
    assert_eq!(older.iter().map(|p| p.record.full_name.as_str()).collect::<Vec<_>>(), ["Kumar Oldest"]);
}

#[tokio::test]
async fn a_cache_from_before_the_prefix_index_keeps_finding_its_people() {
    use sqlx::Connection;
    let (dir, store, key) = open().await;
    store.save_person(&asha(), 1).await.unwrap();
    store.close().await;
    // Back to the search table as it was before the migration, with its rows.
    let path = dir.path().join("cache.db");
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    for sql in [
        format!("PRAGMA key = \"x'{}'\"", key.expose_hex()),
        "CREATE VIRTUAL TABLE old_search USING fts5 (text, tokenize = \"unicode61 categories 'L* N* Co M*'\")".into(),
        "INSERT INTO old_search (rowid, text) SELECT rowid, text FROM people_search".into(),
        "DROP TABLE people_search".into(),
        "ALTER TABLE old_search RENAME TO people_search".into(),
        "DELETE FROM _sqlx_migrations WHERE version = 20261203000000".into(),
    ] {
        sqlx::query(&sql).execute(&mut db).await.unwrap();
    }
    db.close().await.unwrap();

    let store = Store::open(&path, &key).await.unwrap();
    let found = store.search_people("as ver", 20).await.unwrap();
    assert_eq!(found.iter().map(|p| p.record.full_name.as_str()).collect::<Vec<_>>(), ["Asha Verma"]);
    assert_eq!(store.search_people("2109", 20).await.unwrap().len(), 1, "the masked number too");
}

#[tokio::test]
async fn hindi_names_are_searchable_by_whole_words_and_prefixes() {
    let (_dir, store, _) = open().await;
    let mut record = asha();
    record.full_name = "राम कुमार शर्मा".into();
    record.addresses = vec!["ram.sharma@sbx".into()];
    store.save_person(&record, 1).await.unwrap();

    for query in ["कुमार", "शर्", "राम"] {
        let found = store.search_people(query, 20).await.unwrap();
        assert_eq!(found.len(), 1, "{query:?} finds the person");
    }
    assert!(store.search_people("कुम", 20).await.unwrap().len() == 1, "a prefix with a vowel sign");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let (dir, store, key) = open().await;
    store.append_audit(10, "front-desk", "verified", Some("asha.verma@sbx")).await.unwrap();
    store.append_audit(11, "asha.verma@sbx", "logged-in", None).await.unwrap();
    let entries = store.recent_audit(10).await.unwrap();
    assert_eq!(entries.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["logged-in", "verified"]);

    // Not even SQL on a second connection to the file can rewrite history.
    use sqlx::{ConnectOptions, sqlite::SqliteConnectOptions};
    let mut raw = SqliteConnectOptions::new()
        .filename(dir.path().join("cache.db"))
        .pragma("key", format!("\"x'{}'\"", key.expose_hex()))
        .connect()
        .await
        .unwrap();
    for (statement, why) in
        [("UPDATE audit SET action = 'nothing happened'", "append-only"), ("DELETE FROM audit", "at least a year")]
    {
        let err = sqlx::query(statement).execute(&mut raw).await.expect_err(statement);
        assert!(err.to_string().contains(why), "{statement}: {err}");
    }
    assert_eq!(store.recent_audit(10).await.unwrap(), entries);
}

const DAY: i64 = 86_400;

#[tokio::test]
async fn desk_lines_name_the_member_of_staff_and_filter_by_time_and_person() {
    let (_dir, store, _) = open().await;
    let priya = ByStaff { id: "u-1", name: "Priya Sharma" };
    let kavita = ByStaff { id: "staff-1001", name: "Kavita Rao" };
    store.append_audit(5, "asha.verma@sbx", "logged-in", Some("asha.verma@sbx")).await.unwrap();
    store.append_desk_audit(10, "DEMO-HIP-001", "patient-verified", Some("meera.nair@sbx"), priya).await.unwrap();
    store.append_desk_audit(DAY + 10, "DEMO-HIP-001", "patient-opened", Some("asha.verma@sbx"), kavita).await.unwrap();
    store.append_desk_audit(DAY + 20, "DEMO-HIP-001", "desk-locked", None, priya).await.unwrap();

    let all = store.desk_audit(&AuditFilter::default(), 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.at).collect::<Vec<_>>(), [DAY + 20, DAY + 10, 10], "newest first, desk lines only");
    assert_eq!(all[1].staff_name.as_deref(), Some("Kavita Rao"));
    let second_day = AuditFilter { from: Some(DAY), to: Some(2 * DAY), staff_id: None };
    assert_eq!(store.desk_audit(&second_day, 100).await.unwrap().len(), 2);
    let priyas = AuditFilter { staff_id: Some("u-1".into()), ..AuditFilter::default() };
    let actions: Vec<_> = store.desk_audit(&priyas, 100).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["desk-locked", "patient-verified"]);
    assert_eq!(
        store.desk_audit_staff().await.unwrap(),
        [("staff-1001".to_owned(), "Kavita Rao".to_owned()), ("u-1".to_owned(), "Priya Sharma".to_owned())]
    );
}

#[tokio::test]
async fn entries_are_kept_a_year_and_only_then_pruned() {
    let (_dir, store, _) = open().await;
    let priya = ByStaff { id: "u-1", name: "Priya Sharma" };
    store.append_desk_audit(0, "DEMO-HIP-001", "patient-verified", Some("meera.nair@sbx"), priya).await.unwrap();
    store.append_desk_audit(200 * DAY, "DEMO-HIP-001", "patient-opened", Some("meera.nair@sbx"), priya).await.unwrap();
    assert_eq!(store.prune_audit(365 * DAY).await.unwrap(), 0, "not a year after the newest entry yet");
    store.append_desk_audit(400 * DAY, "DEMO-HIP-001", "desk-locked", None, priya).await.unwrap();
    assert_eq!(store.prune_audit(400 * DAY).await.unwrap(), 1, "the first is now more than 366 days old");
    let left: Vec<_> = store.recent_audit(10).await.unwrap().into_iter().map(|e| e.at).collect();
    assert_eq!(left, [400 * DAY, 200 * DAY]);
    // A clock far ahead cannot take the last year of the log with it.
    assert_eq!(store.prune_audit(5000 * DAY).await.unwrap(), 0);
    assert_eq!(store.recent_audit(10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_desk_remembers_one_member_of_staff() {
    let (_dir, store, _) = open().await;
    assert_eq!(store.desk_staff().await.unwrap(), None);
    let mut staff = DeskStaff {
        staff_id: "u-1".into(),
        name: "Priya Sharma".into(),
        email_masked: Some("p***@sunrise.example".into()),
        clinic: Some("Sunrise Clinic".into()),
        way: "auth-platform".into(),
        signed_in_at: 10,
    };
    store.set_desk_staff(&staff).await.unwrap();
    staff.staff_id = "staff-1001".into();
    staff.way = "oidc".into();
    store.set_desk_staff(&staff).await.unwrap();
    assert_eq!(store.desk_staff().await.unwrap(), Some(staff));
    store.clear_desk_staff().await.unwrap();
    assert_eq!(store.desk_staff().await.unwrap(), None);
}

#[tokio::test]
async fn flows_are_saved_updated_listed_and_deleted() {
    let (_dir, store, _) = open().await;
    let mut flow =
        SavedFlow { id: "f-1".into(), kind: "signup".into(), state: "{\"step\":\"otp\"}".into(), expires_at: 600 };
    store.save_flow(&flow, 1).await.unwrap();
    flow.state = "{\"step\":\"details\"}".into();
    store.save_flow(&flow, 2).await.unwrap();
    assert_eq!(store.load_flow("f-1").await.unwrap(), Some(flow.clone()));
    assert_eq!(store.flows().await.unwrap(), [flow]);
    assert!(store.delete_flow("f-1").await.unwrap());
    assert!(store.load_flow("f-1").await.unwrap().is_none());
    assert!(!store.delete_flow("f-1").await.unwrap(), "gone already");
}

/// A returning patient is found by keyed digests of their numbers: the same
/// number gives the same key with this database's key, another database's key
/// gives another, and the digits are not in it.
#[tokio::test]
async fn match_keys_find_a_number_again_without_holding_it() {
    let (_dir, store, _key) = open().await;
    let (_other_dir, other, _other_key) = open().await;
    let key = store.match_key(phr_store::MatchKind::Mobile, "9876543210");
    assert_eq!(key, store.match_key(phr_store::MatchKind::Mobile, "9876543210"));
    assert_ne!(key, store.match_key(phr_store::MatchKind::AbhaNumber, "9876543210"), "the kind is part of it");
    assert_ne!(key, other.match_key(phr_store::MatchKind::Mobile, "9876543210"), "keyed by the database key");
    assert!(!key.contains("9876543210") && key.len() == 32);

    let mut record = asha();
    record.addresses = vec!["asha.verma@sbx".into()];
    record.mobile_key = Some(key.clone());
    store.save_person(&record, 1).await.unwrap();
    let mut namesake = asha();
    namesake.addresses = vec!["ashav.pune@sbx".into()];
    namesake.default_address = None;
    namesake.abha_number_key = Some(store.match_key(phr_store::MatchKind::AbhaNumber, "91111122223333"));
    store.save_person(&namesake, 2).await.unwrap();
    let found: Vec<_> =
        store.people_by_mobile_key(&key).await.unwrap().into_iter().map(|p| p.record.addresses).collect();
    assert_eq!(found, [vec!["asha.verma@sbx".to_owned()]]);

    // The same ABHA number with another address is the same person.
    let mut again = namesake.clone();
    again.addresses = vec!["asha.clinic@sbx".into()];
    let id = store.save_person(&again, 3).await.unwrap();
    let mut addresses = store.person_by_address("ashav.pune@sbx").await.unwrap().unwrap().record.addresses;
    addresses.sort();
    assert_eq!(addresses, ["asha.clinic@sbx", "ashav.pune@sbx"]);
    assert_eq!(store.person_by_address("asha.clinic@sbx").await.unwrap().unwrap().id, id);

    assert!(store.merge_people("asha.clinic@sbx", "asha.verma@sbx").await.unwrap());
    let merged = store.person_by_address("ashav.pune@sbx").await.unwrap().unwrap();
    assert_eq!(merged.record.addresses.len(), 3);
    assert_eq!(merged.record.default_address.as_deref(), Some("asha.verma@sbx"), "the default of the one kept");
    assert!(merged.record.abha_number_key.is_some() && merged.record.mobile_key.is_some(), "both keys kept");
    assert_eq!(store.search_people("asha", 10).await.unwrap().len(), 1, "one search row");
    assert!(!store.merge_people("nobody@sbx", "asha.verma@sbx").await.unwrap());
}

/// The app writes from several places at once (a sign-in, the keyring's move in
/// the background, the bridge, the waiting verifications): a transaction that
/// reads before it writes must wait for the others, never fail because one of
/// them committed in between.
#[tokio::test]
async fn writers_at_the_same_moment_wait_for_each_other_and_all_land() {
    let (_dir, store, _) = open().await;
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..4 {
        let store = store.clone();
        writers.spawn(async move {
            for i in 0..40 {
                let mut person = asha();
                person.addresses = vec![format!("writer{w}.n{i}@sbx")];
                person.default_address = None;
                store.save_person(&person, i64::from(i)).await?;
                store.append_audit(i64::from(i), "writer", "wrote", Some(&format!("w{w}"))).await?;
            }
            Ok::<_, StoreError>(())
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap().expect("no writer is refused as busy");
    }
    assert_eq!(store.search_people("writer", 500).await.unwrap().len(), 160);
}

#[tokio::test]
async fn a_sign_in_is_recorded_whole_or_not_at_all() {
    let (_dir, store, _) = open().await;
    let flow = SavedFlow { id: "f1".into(), kind: "login".into(), state: "{}".into(), expires_at: 100 };
    store.save_flow(&flow, 1).await.unwrap();
    let linked = ["asha.verma@sbx".to_owned(), "ravi.kumar@sbx".to_owned()];
    let sign_in = SignIn {
        person: &asha(),
        address: "asha.verma@sbx",
        at: 10,
        expires_at: 1810,
        mobile_addresses: Some(2),
        linked: Some(&linked),
        flow_id: "f1",
    };

    // An address the person does not have: the session cannot refer to it,
    // and nothing else of the sign-in is kept either.
    let stray = SignIn { address: "someone.else@sbx", ..sign_in };
    assert!(store.record_sign_in(&stray).await.is_err());
    assert!(store.person_by_address("asha.verma@sbx").await.unwrap().is_none(), "the person is not cached");
    assert!(store.load_flow("f1").await.unwrap().is_some(), "the flow is still open");
    assert!(!store.audited("logged-in", "someone.else@sbx").await.unwrap());

    store.record_sign_in(&sign_in).await.unwrap();
    assert!(store.person_by_address("ashav.pune@sbx").await.unwrap().is_some());
    let session = store.active_session().await.unwrap().expect("the one in use");
    assert_eq!(
        (session.address.as_str(), session.expires_at, session.mobile_addresses),
        ("asha.verma@sbx", 1810, Some(2))
    );
    assert_eq!(store.linked_addresses("asha.verma@sbx").await.unwrap(), ["ravi.kumar@sbx"]);
    assert!(store.audited("logged-in", "asha.verma@sbx").await.unwrap());
    assert!(store.load_flow("f1").await.unwrap().is_none(), "the flow is finished");
    assert_eq!(store.live_sessions(1809).await.unwrap(), ["asha.verma@sbx"]);
    assert!(store.live_sessions(1810).await.unwrap().is_empty(), "ended when the token stops working");
}
