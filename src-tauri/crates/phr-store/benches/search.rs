//! Search over 100,000 cached people on a real SQLCipher file: a name prefix, a
//! common surname (many hits, ranked), an address, masked digits, and Hindi.
//! Run with `cargo bench -p phr-store --bench search`.

use criterion::{Criterion, criterion_group, criterion_main};
use phr_store::{DbKey, PersonRecord, Store};

const PEOPLE: usize = 100_000;
const FIRST: [&str; 12] =
    ["asha", "ravi", "meera", "arjun", "priya", "kabir", "lata", "vikram", "nisha", "rohan", "anaya", "suresh"];
const LAST: [&str; 10] = ["verma", "kumar", "nair", "singh", "sharma", "iyer", "rao", "patil", "das", "khan"];

fn record(i: usize) -> PersonRecord {
    let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
    let full_name =
        if i.is_multiple_of(10) { format!("राम कुमार {i}") } else { format!("{first} {last} {i}") };
    PersonRecord {
        full_name,
        gender: "O".into(),
        year_of_birth: 1950 + (i % 70) as u16,
        abha_number_masked: Some(format!("XX-XXXX-XXXX-{:04}", i % 10_000)),
        mobile_masked: Some(format!("******{:04}", (i * 7) % 10_000)),
        email_masked: None,
        kyc_verified: i.is_multiple_of(3),
        photo: None,
        addresses: vec![format!("{first}.{last}{i}@sbx")],
        default_address: None,
    }
}

fn search(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = runtime.block_on(async {
        let store = Store::open(&dir.path().join("bench.db"), &DbKey::random()).await.expect("open");
        let records: Vec<_> = (0..PEOPLE).map(record).collect();
        for chunk in records.chunks(10_000) {
            store.save_people(chunk, 1).await.expect("save");
        }
        store
    });

    let mut group = c.benchmark_group("search 100k people");
    for (name, query) in [
        ("name prefix, few hits", "suresh khan 9"),
        ("common surname, ranked", "kumar"),
        ("address", "meera.nair8"),
        ("masked digits", "4242"),
        ("hindi", "कुमार"),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async { store.search_people(query, 20).await.expect("search") })
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
