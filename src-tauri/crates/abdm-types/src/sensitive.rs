use std::fmt;

use zeroize::Zeroize;

/// A value that must never be shown: OTPs, passwords, tokens, mobiles, emails,
/// Aadhaar and ABHA numbers in their raw form.
///
/// `Debug` and `Display` print `<redacted>`, so the value cannot reach a log line,
/// a panic message or an error string by accident. It has no `Serialize`: code that
/// needs the raw value must call [`Sensitive::expose`] and say why at that spot.
/// The memory is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The raw value, for the one place that needs it (encryption, the keyring).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl From<String> for Sensitive<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Sensitive<String> {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let otp = Sensitive::from("483920");
        assert_eq!(format!("{otp:?}"), "<redacted>");
        assert_eq!(format!("{otp}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&otp)), "Some(<redacted>)");
    }

    #[test]
    fn a_struct_holding_a_secret_debugs_without_it() {
        #[derive(Debug)]
        #[allow(dead_code)] // read only through Debug
        struct Login {
            address: &'static str,
            password: Sensitive<String>,
        }
        let login = Login { address: "asha@sbx", password: "Str0ng!Pass".into() };
        let shown = format!("{login:?}");
        assert!(shown.contains("asha@sbx"));
        assert!(!shown.contains("Str0ng!Pass"), "password leaked: {shown}");
    }

    #[test]
    fn expose_gives_the_raw_value() {
        assert_eq!(Sensitive::from("abc").expose(), "abc");
    }
}
