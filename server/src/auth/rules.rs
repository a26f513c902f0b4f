//! What an account's email, display name and password must look like, with messages
//! written for the trainee filling in the form.

use super::AuthError;

/// Shortest password accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted, in characters: long passphrases are welcome, megabytes are not.
pub const PASSWORD_MAX_CHARS: usize = 200;
/// Longest display name, in characters, after trimming.
pub const DISPLAY_NAME_MAX_CHARS: usize = 80;
/// The longest address SMTP can deliver to.
const EMAIL_MAX_CHARS: usize = 254;

/// The form in which emails are stored and compared: trimmed and lowercase.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Normalises `email` and checks it looks like an address: one `@`, something before it,
/// and a domain with a dot. Whether it receives mail is not checked here.
pub fn check_email(email: &str) -> Result<String, AuthError> {
    let email = normalise_email(email);
    if email.is_empty() {
        return Err(invalid("email", "Enter your email address."));
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(invalid("email", "That email address is too long."));
    }
    let looks_right = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !looks_right {
        return Err(invalid(
            "email",
            "Enter an email address in the form name@example.com.",
        ));
    }
    Ok(email)
}

/// Trims `name` and checks it has 1 to 80 characters and no line breaks.
pub fn check_display_name(name: &str) -> Result<String, AuthError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "display_name",
            "Enter your name as you would like it shown.",
        ));
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(invalid(
            "display_name",
            "Your name can be at most 80 characters long.",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(
            "display_name",
            "Your name cannot contain line breaks or tabs.",
        ));
    }
    Ok(name.to_owned())
}

/// Checks a new password's length; it is used exactly as typed, spaces included.
pub fn check_password(password: &str) -> Result<(), AuthError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err(invalid(
            "password",
            "Choose a password of at least 10 characters. A few words strung together work well.",
        ));
    }
    if length > PASSWORD_MAX_CHARS {
        return Err(invalid(
            "password",
            "Your password can be at most 200 characters long.",
        ));
    }
    Ok(())
}

fn invalid(field: &'static str, message: &'static str) -> AuthError {
    AuthError::Invalid { field, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<impl std::fmt::Debug, AuthError>) -> &'static str {
        match result {
            Err(AuthError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            check_email("  Dr.Jones@NHS.net \n").expect("valid"),
            "dr.jones@nhs.net"
        );
        assert_eq!(normalise_email(" A@B.C "), "a@b.c");
    }

    #[test]
    fn things_that_are_not_emails_are_refused() {
        for email in [
            "",
            "   ",
            "jones",
            "@nhs.net",
            "jones@",
            "jones@nhs",
            "jones@.net",
            "jones@nhs.",
            "jo nes@nhs.net",
            "a@b@nhs.net",
        ] {
            assert_eq!(field_of(check_email(email)), "email", "{email:?}");
        }
        let long = format!("{}@nhs.net", "a".repeat(250));
        assert_eq!(field_of(check_email(&long)), "email");
    }

    #[test]
    fn display_names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(check_display_name("  Dr Ọlá  ").expect("valid"), "Dr Ọlá");
        assert_eq!(field_of(check_display_name("   ")), "display_name");
        assert_eq!(field_of(check_display_name("Dr\nJones")), "display_name");
        // Eighty characters of a two-byte letter: the limit counts characters, not bytes.
        assert!(check_display_name(&"é".repeat(80)).is_ok());
        assert_eq!(
            field_of(check_display_name(&"é".repeat(81))),
            "display_name"
        );
    }

    #[test]
    fn passwords_need_ten_to_two_hundred_characters() {
        assert_eq!(field_of(check_password("123456789")), "password");
        assert!(check_password("1234567890").is_ok());
        assert!(check_password(&"ü".repeat(200)).is_ok());
        assert_eq!(field_of(check_password(&"x".repeat(201))), "password");
        // Spaces count: a passphrase is used exactly as typed.
        assert!(check_password("  a b c d ").is_ok());
    }

    #[test]
    fn messages_speak_to_the_trainee() {
        let error = check_password("short").expect_err("too short");
        assert!(
            error.to_string().contains("at least 10 characters"),
            "{error}"
        );
    }
}
