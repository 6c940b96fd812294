use std::fmt;

use zeroize::Zeroize;

/// An email address: `local@domain.tld`, at most 254 characters, stored lower-case.
/// Prints masked (`a***@example.in`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an email address looks like name@example.in")]
    Shape,
    #[error("an email address has at most 254 characters")]
    TooLong,
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let raw = raw.trim();
        if raw.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = raw.split_once('@').ok_or(EmailError::Shape)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !local_ok || !domain_ok {
            return Err(EmailError::Shape);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address, for encryption before it leaves the process.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl Drop for Email {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn ordinary_addresses_parse_and_the_domain_is_lower_cased() {
        assert_eq!(Email::parse(" Asha.Verma+abha@Example.IN ").unwrap().expose(), "Asha.Verma+abha@example.in");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "asha",
            "asha@",
            "@example.in",
            "asha@example",
            "asha@@example.in",
            "as ha@example.in",
            "asha@ex_ample.in",
            ".asha@example.in",
            "asha@example.i1",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Shape), "{bad:?}");
        }
        assert_eq!(Email::parse(&format!("{}@example.in", "a".repeat(250))), Err(EmailError::TooLong));
    }

    #[test]
    fn it_prints_masked() {
        let e = Email::parse("asha@example.in").unwrap();
        assert_eq!(e.to_string(), "a***@example.in");
        assert!(!format!("{e:?}").contains("asha"));
    }

    proptest! {
        #[test]
        fn generated_addresses_parse(local in "[a-z][a-z0-9]{0,20}", domain in "[a-z]{1,10}", tld in "[a-z]{2,4}") {
            let raw = format!("{local}@{domain}.{tld}");
            let parsed = Email::parse(&raw).unwrap();
            prop_assert_eq!(parsed.expose(), raw.as_str());
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,40}") {
            let _ = Email::parse(&raw);
        }
    }
}
