//! Search over 100,000 cached people on a real SQLCipher file: a name prefix, a
//! common surname (many hits, ranked), an address, masked digits, and Hindi.
//! Run with `cargo bench -p phr-store --bench search`; it prints each query
//! class's p50 and p95 over 1,000 single searches first.

#![allow(clippy::print_stdout, reason = "a bench reports on the terminal")]

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
        abha_number_key: None,
        mobile_key: None,
    }
}

const QUERIES: [(&str, &str); 5] = [
    ("name prefix, few hits", "suresh khan 9"),
    ("common surname, ranked", "kumar"),
    ("address", "meera.nair8"),
    ("masked digits", "4242"),
    ("hindi", "कुमार"),
];

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn search(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let started = std::time::Instant::now();
    let store = runtime.block_on(async {
        let store = Store::open(&path, &DbKey::random()).await.expect("open");
        let records: Vec<_> = (0..PEOPLE).map(record).collect();
        for chunk in records.chunks(10_000) {
            store.save_people(chunk, 1).await.expect("save");
        }
        store
    });
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    println!(
        "saved {PEOPLE} people in {:.1} s; database and WAL {:.1} MB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );

    // What a desk feels is each search, not an average: p50 and p95 of single
    // searches, after the page cache is warm.
    for (name, query) in QUERIES {
        let mut took: Vec<_> = (0..1000)
            .map(|_| {
                let start = std::time::Instant::now();
                runtime.block_on(store.search_people(query, 20)).expect("search");
                start.elapsed()
            })
            .collect();
        took.sort();
        println!("{name:<24} p50 {:>7.3} ms  p95 {:>7.3} ms", ms(took[500]), ms(took[950]));
    }

    let mut group = c.benchmark_group("search 100k people");
    for (name, query) in QUERIES {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async { store.search_people(query, 20).await.expect("search") })
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
