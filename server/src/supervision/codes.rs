//! Invite codes: eight characters a doctor can read out on a ward or copy from a
//! message, their stored form (a SHA-256, like session tokens), and the clock.

use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Crockford's base32: digits and capitals without I, L, O and U, which are easily
/// misread (I, L, O) or spell words by accident (U). 32 symbols, so 5 bits each.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code, not counting the dash: 40 random bits.
const CODE_CHARS: usize = 8;

/// A fresh code in its canonical form (`K7QM3XPA`), from the operating system's RNG.
pub fn new_code() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; CODE_CHARS];
    getrandom::fill(&mut bytes)?;
    // 256 is a multiple of 32, so keeping the low 5 bits of each byte is unbiased.
    Ok(bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte & 31)]))
        .collect())
}

/// How a canonical code is shown: `K7QM-3XPA`.
pub fn display(code: &str) -> String {
    let (first, second) = code.split_at(code.len().min(CODE_CHARS / 2));
    format!("{first}-{second}")
}

/// The canonical form of a code as someone typed it: any case, with or without the
/// dash, spaces anywhere; O read as 0 and I or L as 1, as Crockford's decoding does.
/// `None` if it cannot be a code (wrong length or a character outside the alphabet).
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let fits = code.len() == CODE_CHARS && code.bytes().all(|byte| ALPHABET.contains(&byte));
    fits.then_some(code)
}

/// The form a code is stored and looked up in: SHA-256 of the canonical code, lowercase
/// hex. A fast hash is enough because codes are random and expire within a week.
pub fn hash(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Seconds since 1970, the unit every stored time uses.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// A unix time as a UTC calendar date for messages, e.g. `3 March 2027`.
pub fn date(unix_secs: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // Howard Hinnant's days-to-civil algorithm, so no calendar crate is needed for one
    // sentence.
    let days = unix_secs.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|index| MONTHS.get(index))
        .copied()
        .unwrap_or("?");
    format!("{day} {name} {year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_codes_are_eight_unambiguous_characters() {
        let code = new_code().expect("rng");
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|byte| ALPHABET.contains(&byte)), "{code}");
        assert!(!code.contains(['I', 'L', 'O', 'U']), "{code}");
        assert_eq!(normalise(&code).as_deref(), Some(code.as_str()));
        assert_ne!(code, new_code().expect("rng"));
    }

    #[test]
    fn codes_are_shown_with_a_dash() {
        assert_eq!(display("K7QM3XPA"), "K7QM-3XPA");
    }

    #[test]
    fn typed_codes_are_forgiven_case_dashes_spaces_and_look_alikes() {
        for typed in ["K7QM-3XPA", "k7qm3xpa", "  k7qm-3xpa \n", "K7QM 3XPA"] {
            assert_eq!(normalise(typed).as_deref(), Some("K7QM3XPA"), "{typed:?}");
        }
        assert_eq!(normalise("o1lI-0000").as_deref(), Some("01110000"));
        for typed in [
            "",
            "K7QM-3XP",
            "K7QM-3XPAA",
            "K7QM-3XPU",
            "K7QM_3XPA",
            "K7QM-3XPÄ",
        ] {
            assert_eq!(normalise(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn code_hashes_are_sha256_in_hex() {
        // The SHA-256 of "abc" from FIPS 180-2.
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0), "1 January 1970");
        assert_eq!(date(951_782_400), "29 February 2000");
        assert_eq!(date(1_709_251_199), "29 February 2024");
        assert_eq!(date(1_709_251_200), "1 March 2024");
        assert_eq!(date(1_798_761_599), "31 December 2026");
        assert_eq!(date(-1), "31 December 1969");
    }
}
