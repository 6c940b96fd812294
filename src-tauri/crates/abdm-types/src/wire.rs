//! Serde helpers for the shapes ABDM actually sends, which are looser than its
//! documentation: lists that arrive as a JSON array or as one string such as
//! `"[user@abdm, user2@abdm]"`, and booleans that arrive as `true` or `"true"`.

use std::fmt;

use serde::{
    Deserialize, Deserializer, Serialize,
    de::{self, SeqAccess, Visitor},
};

/// Base64 RSA ciphertext of a credential, as placed in a JSON field. What it
/// decrypts to is secret, so even the ciphertext is not printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Encrypted(pub String);

impl fmt::Debug for Encrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Encrypted(..)")
    }
}

/// A list given as a JSON array of strings, or as one string `"[a, b]"` / `"a"`.
pub fn flexible_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings, or a string like \"[a, b]\"")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            Ok(items)
        }

        fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
            let inner = raw.trim().trim_start_matches('[').trim_end_matches(']');
            Ok(inner.split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect())
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }

    deserializer.deserialize_any(ListVisitor)
}

/// A boolean given as `true` or as the string `"true"`.
pub fn flexible_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flex {
        Bool(bool),
        Text(String),
    }
    match Flex::deserialize(deserializer)? {
        Flex::Bool(b) => Ok(b),
        Flex::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(de::Error::custom(format!("expected true or false, got {other:?}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "flexible_list")]
        list: Vec<String>,
        #[serde(deserialize_with = "flexible_bool")]
        flag: bool,
    }

    #[test]
    fn lists_arrive_as_arrays_or_as_bracketed_strings() {
        for json in [
            r#"{"list":["user@abdm","user2@abdm"],"flag":true}"#,
            r#"{"list":"[user@abdm, user2@abdm]","flag":"true"}"#,
        ] {
            let h: Holder = serde_json::from_str(json).unwrap();
            assert_eq!(h.list, ["user@abdm", "user2@abdm"]);
            assert!(h.flag);
        }
        let empty: Holder = serde_json::from_str(r#"{"list":"[]","flag":"false"}"#).unwrap();
        assert!(empty.list.is_empty() && !empty.flag);
        assert!(serde_json::from_str::<Holder>(r#"{"list":[],"flag":"yes"}"#).is_err());
    }

    #[test]
    fn ciphertext_is_not_printed() {
        assert_eq!(format!("{:?}", Encrypted("c2VjcmV0".into())), "Encrypted(..)");
    }
}
