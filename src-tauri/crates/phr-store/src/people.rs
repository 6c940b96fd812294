use crate::{Store, StoreError};

/// What the cache keeps about a person: nothing that is secret, numbers masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub full_name: String,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub year_of_birth: u16,
    pub abha_number_masked: Option<String>,
    pub mobile_masked: Option<String>,
    pub email_masked: Option<String>,
    pub kyc_verified: bool,
    pub photo: Option<Vec<u8>>,
    /// Every ABHA address of the person known here.
    pub addresses: Vec<String>,
    pub default_address: Option<String>,
    /// [`Store::match_key`]s of the ABHA number and the mobile, to find the
    /// person again when they return; never the numbers.
    pub abha_number_key: Option<String>,
    pub mobile_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub record: PersonRecord,
    pub updated_at: i64,
    /// When the front desk last verified them through the gateway.
    pub verified_at: Option<i64>,
}

/// Each word of what was typed as a quoted prefix term; FTS5 syntax in the
/// input is thereby plain text, never an operator. A one-character word matches
/// only itself: as a prefix it would expand to a large part of the index.
fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_' || c == '@' || is_mark(c)))
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| {
            let quoted = format!("\"{}\"", t.replace('"', "\"\""));
            if t.chars().count() > 1 { quoted + "*" } else { quoted }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// How many of the newest matches a search ranks (see `search_people`).
pub const SEARCH_RANKED: u32 = 200;

/// Combining marks (Devanagari matras and the like) belong to the word.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x097F | 0x0980..=0x0DFF)
}

struct Row {
    id: i64,
    full_name: String,
    gender: String,
    year_of_birth: i64,
    abha_number_masked: Option<String>,
    mobile_masked: Option<String>,
    email_masked: Option<String>,
    kyc_verified: i64,
    photo: Option<Vec<u8>>,
    updated_at: i64,
    verified_at: Option<i64>,
    addresses: Option<String>,
    default_address: Option<String>,
    abha_number_key: Option<String>,
    mobile_key: Option<String>,
}

impl From<Row> for Person {
    fn from(row: Row) -> Self {
        Person {
            id: row.id,
            record: PersonRecord {
                full_name: row.full_name,
                gender: row.gender,
                year_of_birth: u16::try_from(row.year_of_birth).unwrap_or_default(),
                abha_number_masked: row.abha_number_masked,
                mobile_masked: row.mobile_masked,
                email_masked: row.email_masked,
                kyc_verified: row.kyc_verified != 0,
                photo: row.photo,
                addresses: row
                    .addresses
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                default_address: row.default_address,
                abha_number_key: row.abha_number_key,
                mobile_key: row.mobile_key,
            },
            updated_at: row.updated_at,
            verified_at: row.verified_at,
        }
    }
}

impl Store {
    /// Saves a person and their addresses in one transaction. A person already
    /// cached under any of the addresses is updated, not duplicated.
    pub async fn save_person(&self, record: &PersonRecord, now: i64) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let id = save(&mut tx, record, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves many people in one transaction: all of them or none.
    pub async fn save_people(&self, records: &[PersonRecord], now: i64) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        for record in records {
            save(&mut tx, record, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that the person with `address` was verified through the gateway at `at`.
    pub async fn mark_verified(&self, address: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE people SET verified_at = ? WHERE id = (SELECT person_id FROM addresses WHERE address = ?)",
            at,
            address
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn person_by_address(&self, address: &str) -> Result<Option<Person>, StoreError> {
        let row = sqlx::query_as!(
            Row,
            r#"SELECT p.id AS "id!", p.full_name, p.gender, p.year_of_birth, p.abha_number_masked, p.mobile_masked,
                      p.email_masked, p.kyc_verified, p.photo, p.updated_at, p.verified_at,
                      (SELECT group_concat(address, ' ') FROM addresses WHERE person_id = p.id) AS "addresses?: String",
                      (SELECT address FROM addresses WHERE person_id = p.id AND is_default = 1) AS "default_address?: String",
                      p.abha_number_key, p.mobile_key
               FROM people p JOIN addresses a ON a.person_id = p.id WHERE a.address = ?"#,
            address
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Person::from))
    }

    /// The people kept with this mobile [`Store::match_key`].
    pub async fn people_by_mobile_key(&self, key: &str) -> Result<Vec<Person>, StoreError> {
        let addresses = sqlx::query_scalar!(
            r#"SELECT (SELECT min(address) FROM addresses WHERE person_id = p.id) AS "address!: String"
               FROM people p WHERE p.mobile_key = ? AND EXISTS (SELECT 1 FROM addresses WHERE person_id = p.id)"#,
            key
        )
        .fetch_all(&self.pool)
        .await?;
        let mut people = Vec::with_capacity(addresses.len());
        for address in addresses {
            people.extend(self.person_by_address(&address).await?);
        }
        Ok(people)
    }

    /// The person of `from` and the person of `into` are one: `from`'s
    /// addresses and match keys move to `into`'s person, whose name and
    /// default stay; `false` when either address is not cached.
    pub async fn merge_people(&self, from: &str, into: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let from_id = sqlx::query_scalar!("SELECT person_id FROM addresses WHERE address = ?", from)
            .fetch_optional(&mut *tx)
            .await?;
        let into_id = sqlx::query_scalar!("SELECT person_id FROM addresses WHERE address = ?", into)
            .fetch_optional(&mut *tx)
            .await?;
        let (Some(from_id), Some(into_id)) = (from_id, into_id) else {
            return Ok(false);
        };
        if from_id != into_id {
            sqlx::query!(
                "UPDATE people SET
                   abha_number_key = coalesce(abha_number_key, (SELECT abha_number_key FROM people WHERE id = ?1)),
                   mobile_key = coalesce(mobile_key, (SELECT mobile_key FROM people WHERE id = ?1)),
                   verified_at = max(coalesce(verified_at, 0), coalesce((SELECT verified_at FROM people WHERE id = ?1), 0))
                 WHERE id = ?2",
                from_id,
                into_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("UPDATE addresses SET is_default = 0, person_id = ? WHERE person_id = ?", into_id, from_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query!("DELETE FROM people_search WHERE rowid = ?", from_id).execute(&mut *tx).await?;
            sqlx::query!("DELETE FROM people WHERE id = ?", from_id).execute(&mut *tx).await?;
            reindex(&mut tx, into_id).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// People whose name, address or masked number has words starting with the
    /// words typed, best matches first.
    ///
    /// Only the [`SEARCH_RANKED`] newest matches are ranked: FTS5 reads matches in
    /// rowid order and stops there, where ranking all of them cost 19.5 ms for a
    /// common surname among 100,000 people. More matches than that means the
    /// query is too short to pick one person anyway; another letter or word
    /// narrows it, and the people added most recently come first meanwhile.
    pub async fn search_people(&self, query: &str, limit: u32) -> Result<Vec<Person>, StoreError> {
        let Some(expression) = match_expression(query) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT p.id AS "id!", p.full_name, p.gender, p.year_of_birth, p.abha_number_masked, p.mobile_masked,
                      p.email_masked, p.kyc_verified, p.photo, p.updated_at, p.verified_at,
                      (SELECT group_concat(address, ' ') FROM addresses WHERE person_id = p.id) AS "addresses?: String",
                      (SELECT address FROM addresses WHERE person_id = p.id AND is_default = 1) AS "default_address?: String",
                      p.abha_number_key, p.mobile_key
               FROM (SELECT id, score FROM (SELECT rowid AS id, bm25(people_search) AS score
                                            FROM people_search WHERE people_search MATCH ?
                                            ORDER BY rowid DESC LIMIT ?)
                     ORDER BY score LIMIT ?) hits
               JOIN people p ON p.id = hits.id
               ORDER BY hits.score"#,
            expression,
            SEARCH_RANKED,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Person::from).collect())
    }
}

pub(crate) async fn save(tx: &mut sqlx::SqliteConnection, record: &PersonRecord, now: i64) -> Result<i64, StoreError> {
    let mut existing = None;
    for address in &record.addresses {
        let row =
            sqlx::query!("SELECT person_id FROM addresses WHERE address = ?", address).fetch_optional(&mut *tx).await?;
        if let Some(row) = row {
            existing = Some(row.person_id);
            break;
        }
    }
    // One ABHA number is one person, whatever address they came with.
    if let (None, Some(key)) = (existing, &record.abha_number_key) {
        existing = sqlx::query_scalar!(r#"SELECT id AS "id!" FROM people WHERE abha_number_key = ? LIMIT 1"#, key)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let year = i64::from(record.year_of_birth);
    let kyc = i64::from(record.kyc_verified);
    let id = match existing {
        Some(id) => {
            sqlx::query!(
                "UPDATE people SET full_name = ?, gender = ?, year_of_birth = ?, abha_number_masked = ?,
                 mobile_masked = ?, email_masked = ?, kyc_verified = ?, photo = ?, updated_at = ?,
                 abha_number_key = coalesce(?, abha_number_key), mobile_key = coalesce(?, mobile_key) WHERE id = ?",
                record.full_name,
                record.gender,
                year,
                record.abha_number_masked,
                record.mobile_masked,
                record.email_masked,
                kyc,
                record.photo,
                now,
                record.abha_number_key,
                record.mobile_key,
                id
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query!(
                r#"INSERT INTO people (full_name, gender, year_of_birth, abha_number_masked, mobile_masked,
                   email_masked, kyc_verified, photo, updated_at, abha_number_key, mobile_key)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   RETURNING id AS "id!""#,
                record.full_name,
                record.gender,
                year,
                record.abha_number_masked,
                record.mobile_masked,
                record.email_masked,
                kyc,
                record.photo,
                now,
                record.abha_number_key,
                record.mobile_key
            )
            .fetch_one(&mut *tx)
            .await?
            .id
        }
    };
    for address in &record.addresses {
        // Without a default in the record, the one already marked stays.
        let is_default = record.default_address.as_ref().map(|d| i64::from(d == address));
        sqlx::query!(
            "INSERT INTO addresses (address, person_id, is_default, added_at) VALUES (?1, ?2, coalesce(?3, 0), ?4)
             ON CONFLICT (address) DO UPDATE SET person_id = excluded.person_id,
             is_default = coalesce(?3, addresses.is_default)",
            address,
            id,
            is_default,
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    reindex(tx, id).await?;
    Ok(id)
}

/// Rebuilds the person's search row from what is stored: name, masked numbers
/// and every address. A row that would read the same is left alone: rewriting
/// it writes the word and its five prefixes into the index again, pages that a
/// returning person's sign-in would otherwise encrypt and commit for nothing.
pub(crate) async fn reindex(conn: &mut sqlx::SqliteConnection, person_id: i64) -> Result<(), StoreError> {
    let text = sqlx::query_scalar!(
        r#"SELECT full_name || ' ' || coalesce(abha_number_masked, '') || ' ' || coalesce(mobile_masked, '') || ' '
                  || coalesce((SELECT group_concat(address, ' ') FROM addresses WHERE person_id = people.id), '')
                  AS "text!: String"
           FROM people WHERE id = ?"#,
        person_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let indexed =
        sqlx::query_scalar!(r#"SELECT text AS "text!: String" FROM people_search WHERE rowid = ?"#, person_id)
            .fetch_optional(&mut *conn)
            .await?;
    if text == indexed {
        return Ok(());
    }
    if indexed.is_some() {
        sqlx::query!("DELETE FROM people_search WHERE rowid = ?", person_id).execute(&mut *conn).await?;
    }
    if let Some(text) = text {
        sqlx::query!("INSERT INTO people_search (rowid, text) VALUES (?, ?)", person_id, text)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn typed_words_become_quoted_prefix_terms() {
        assert_eq!(match_expression("asha ver").as_deref(), Some("\"asha\"* \"ver\"*"));
        assert_eq!(match_expression("  ").as_deref(), None);
        assert_eq!(match_expression("NEAR(\"a\" OR b)").as_deref(), Some("\"NEAR\"* \"a\" \"OR\"* \"b\""));
        assert_eq!(match_expression("कुमार").as_deref(), Some("\"कुमार\"*"));
    }
}
