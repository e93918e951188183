//! Users: e-mail addresses and password rules.

/// Shortest password we accept.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password we hash; bounds the work one login can cost.
pub const MAX_PASSWORD_LEN: usize = 256;

/// Normalises an e-mail address (trimmed, lowercased) so uniqueness is case-insensitive.
pub fn email(value: &str) -> Result<String, String> {
    let value = value.trim().to_lowercase();
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        });
    if valid {
        Ok(value)
    } else {
        Err("must be an e-mail address such as `jane@example.org`".into())
    }
}

/// Checks a new password against the rules before it is hashed: long enough, and not one of
/// the common or easily guessed passwords zxcvbn's dictionaries know.
pub fn new_password(value: &str) -> Result<(), String> {
    let len = value.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(format!("must be at least {MIN_PASSWORD_LEN} characters"));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(format!("must be at most {MAX_PASSWORD_LEN} characters"));
    }
    if zxcvbn::zxcvbn(value, &[]).score() < zxcvbn::Score::Three {
        return Err("is too common or too easy to guess; use a longer phrase of unrelated words".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(email(" Jane@Example.ORG ").unwrap(), "jane@example.org");
        for bad in ["", "jane", "@example.org", "jane@org", "jane@@example.org", "a b@example.org"] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_have_a_floor() {
        assert!(new_password("short").is_err());
        assert!(new_password("a long enough passphrase").is_ok());
        for common in ["password1234", "123456789012", "qwertyuiopasdf", "aaaaaaaaaaaaaaa"] {
            assert!(new_password(common).is_err(), "{common}");
        }
    }
}
