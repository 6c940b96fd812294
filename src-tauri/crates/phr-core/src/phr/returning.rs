//! Returning patients at the front desk. A profile with an ABHA address or an
//! ABHA number already in the desk's list updates that person (the store sees
//! to it). Otherwise ABDM's rule for new and returning patients applies: the
//! same mobile and gender, an age within 2 years and a close name make a
//! candidate, which the operator confirms or leaves; the desk never merges two
//! people on a guess.

use abdm_types::{AbhaNumber, Mobile};
use phr_store::MatchKind;

use super::{CachedPerson, Phr, session::cached};
use crate::{DeskAction, Error, ErrorCode};

/// ABDM: "age ±2 years".
const AGE_WITHIN_YEARS: u16 = 2;

impl Phr {
    /// The keys the store finds a person again by, from their numbers.
    pub(crate) fn match_keys(
        &self,
        number: Option<&AbhaNumber>,
        mobile: Option<&Mobile>,
    ) -> (Option<String>, Option<String>) {
        (
            number.map(|n| self.store.match_key(MatchKind::AbhaNumber, n.digits())),
            mobile.map(|m| self.store.match_key(MatchKind::Mobile, m.expose())),
        )
    }

    /// Others in the desk's list who may be the person of `address`, by ABDM's rule.
    pub(crate) async fn returning_candidates(&self, address: &str) -> Result<Vec<CachedPerson>, Error> {
        let Some(person) = self.store.person_by_address(address).await? else { return Ok(Vec::new()) };
        let Some(key) = &person.record.mobile_key else { return Ok(Vec::new()) };
        let candidates = self.store.people_by_mobile_key(key).await?.into_iter().filter(|other| {
            other.id != person.id
                && other.record.gender == person.record.gender
                && other.record.year_of_birth.abs_diff(person.record.year_of_birth) <= AGE_WITHIN_YEARS
                && names_close(&other.record.full_name, &person.record.full_name)
        });
        Ok(candidates.map(cached).collect())
    }

    /// The operator confirms that the patient just verified as `address` is
    /// the person already listed under `returning`: one person from now on,
    /// with both addresses (audited).
    pub async fn same_patient(&self, raw_address: &str, raw_returning: &str) -> Result<CachedPerson, Error> {
        let staff = self.on_duty().await?;
        let (address, returning) = (super::address(raw_address)?.expose(), super::address(raw_returning)?.expose());
        let not_listed =
            || Error::input(ErrorCode::AccountNotFound, "nobody with this address is saved on this computer");
        // Only a candidate may be confirmed: the rule, not the operator's click, says who could be the same.
        if !self.returning_candidates(&address).await?.iter().any(|c| c.addresses.contains(&returning)) {
            return Err(not_listed());
        }
        if !self.store.merge_people(&address, &returning).await? {
            return Err(not_listed());
        }
        self.desk_audit(&staff, DeskAction::PatientsMerged, Some(&returning)).await?;
        let person = self.store.person_by_address(&returning).await?.ok_or_else(not_listed)?;
        Ok(cached(person))
    }
}

/// ABDM asks for a "close" name match. Close here: the same words in any order
/// and case, one name's words all in the other's (a middle name left out), or
/// a typo or two.
fn names_close(a: &str, b: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        let mut words: Vec<String> = name
            .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.sort();
        words
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if short.len() >= 2 && short.iter().all(|w| long.contains(w)) || a == b {
        return true;
    }
    let (a, b) = (a.join(" "), b.join(" "));
    edit_distance(&a, &b) <= (a.chars().count().max(b.chars().count()) / 8).max(1)
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_the_same_words_a_left_out_middle_name_or_a_typo() {
        assert!(names_close("Asha Verma", "asha  verma"));
        assert!(names_close("Verma, Asha", "Asha Verma"), "order");
        assert!(names_close("Meera Nair", "Meera Devi Nair"), "a middle name left out");
        assert!(names_close("Meera Devi Nair", "Meera Devi Nayr"), "one letter");
        assert!(names_close("मीरा नायर", "मीरा नायर"));
        assert!(!names_close("Meera Nair", "Meera Iyer"));
        assert!(!names_close("Asha", "Asha Verma"), "a first name alone is not enough");
        assert!(!names_close("Ravi Kumar", "Ravi Kumari Sharma"));
        assert!(!names_close("", "Asha Verma"));
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("nair", "nayr"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("मीरा", "मिरा"), 1);
    }
}
