//! The privacy check: finds text that looks patient-identifiable before an entry is
//! saved or shared, so the app can warn, explain, and let the trainee decide.
//!
//! "The reflective practitioner" (AoMRC, COPMeD, GMC, MSC, 2018) asks that reflective
//! notes be anonymised as far as possible. These are heuristics, tuned to miss little
//! while leaving rota dates, bleep numbers and the like alone; they never block.

use crate::day::Day;

/// What a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    NhsNumber,
    DateOfBirth,
    HospitalNumber,
    TitledName,
    AgeWithSex,
}

impl FindingKind {
    /// A short name for the kind of identifier.
    pub const fn label(self) -> &'static str {
        match self {
            FindingKind::NhsNumber => "NHS number",
            FindingKind::DateOfBirth => "Date of birth",
            FindingKind::HospitalNumber => "Hospital number",
            FindingKind::TitledName => "Name",
            FindingKind::AgeWithSex => "Age and sex",
        }
    }

    /// Why it matters, in a sentence for the trainee.
    pub const fn why(self) -> &'static str {
        match self {
            FindingKind::NhsNumber => "A valid NHS number identifies one patient exactly. Leave it out: the learning does not depend on it.",
            FindingKind::DateOfBirth => "This looks like a date of birth, which with little else can identify a patient. Say \"an older patient\" instead.",
            FindingKind::HospitalNumber => "This looks like a hospital or record number, which identifies a patient. Leave it out.",
            FindingKind::TitledName => "A title and a name identify a patient or colleague. Use a role instead, e.g. \"the registrar\" or \"a patient\".",
            FindingKind::AgeWithSex => "Age with sex, together with the date and ward, can identify a patient. Keep only what the reflection needs.",
        }
    }
}

/// One stretch of text that looks identifiable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like.
    pub kind: FindingKind,
    /// The text found, as written.
    pub text: String,
    /// Byte offset where it starts in the scanned text.
    pub start: usize,
}

/// Scans `text` for identifiers; `today` tells dates of birth from recent dates.
pub fn scan(text: &str, today: Day) -> Vec<Finding> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut findings = Vec::new();
    let mut claimed = vec![false; chars.len()];
    let mut record = |kind: FindingKind, from: usize, to: usize, claimed: &mut Vec<bool>| {
        if claimed[from..to].iter().any(|taken| *taken) {
            return;
        }
        claimed[from..to].iter_mut().for_each(|taken| *taken = true);
        let start = chars[from].0;
        let end = chars.get(to).map_or(text.len(), |(offset, _)| *offset);
        findings.push(Finding {
            kind,
            text: text[start..end].to_owned(),
            start,
        });
    };
    // Most specific first: a valid NHS number is not also a hospital number.
    for (from, to) in nhs_numbers(&chars) {
        record(FindingKind::NhsNumber, from, to, &mut claimed);
    }
    for (from, to) in dates_of_birth(&chars, today) {
        record(FindingKind::DateOfBirth, from, to, &mut claimed);
    }
    for (from, to) in hospital_numbers(&chars) {
        record(FindingKind::HospitalNumber, from, to, &mut claimed);
    }
    for (from, to) in titled_names(&chars) {
        record(FindingKind::TitledName, from, to, &mut claimed);
    }
    for (from, to) in ages_with_sex(&chars) {
        record(FindingKind::AgeWithSex, from, to, &mut claimed);
    }
    findings.sort_by_key(|finding| finding.start);
    findings
}

/// Whether ten digits carry a valid NHS Modulus 11 check digit.
pub fn is_valid_nhs_number(digits: &[u32]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        check => check,
    };
    check == digits[9]
}

type Span = (usize, usize);

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn starts_word(chars: &[(usize, char)], at: usize) -> bool {
    at == 0 || !is_word_char(chars[at - 1].1)
}

fn ends_word(chars: &[(usize, char)], at: usize) -> bool {
    at >= chars.len() || !is_word_char(chars[at].1)
}

/// The next position at or after `from` where a number starts a word.
fn next_number(chars: &[(usize, char)], from: usize) -> Option<usize> {
    (from..chars.len()).find(|&at| chars[at].1.is_ascii_digit() && starts_word(chars, at))
}

/// Digits from `at`, as (value, index after); empty when no digit is there.
fn digit_run(chars: &[(usize, char)], at: usize) -> (Vec<u32>, usize) {
    let mut digits = Vec::new();
    let mut index = at;
    while let Some(digit) = chars.get(index).and_then(|(_, c)| c.to_digit(10)) {
        digits.push(digit);
        index += 1;
    }
    (digits, index)
}

fn nhs_numbers(chars: &[(usize, char)]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(at) = next_number(chars, from) {
        // Ten digits in a row, or grouped 3-3-4 with spaces or hyphens.
        let (first, after_first) = digit_run(chars, at);
        let mut digits = first.clone();
        let mut end = after_first;
        if first.len() == 3 {
            let separator = chars.get(end).map(|(_, c)| *c);
            if matches!(separator, Some(' ') | Some('-')) {
                let (second, after_second) = digit_run(chars, end + 1);
                if second.len() == 3 && chars.get(after_second).map(|(_, c)| *c) == separator {
                    let (third, after_third) = digit_run(chars, after_second + 1);
                    if third.len() == 4 {
                        digits.extend(second);
                        digits.extend(third);
                        end = after_third;
                    }
                }
            }
        }
        if ends_word(chars, end) && is_valid_nhs_number(&digits) {
            spans.push((at, end));
        }
        from = end.max(at + 1);
    }
    spans
}

fn lower_window(chars: &[(usize, char)], from: usize, to: usize) -> String {
    chars[from..to]
        .iter()
        .map(|(_, c)| c.to_ascii_lowercase())
        .collect()
}

fn dates_of_birth(chars: &[(usize, char)], today: Day) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(at) = next_number(chars, from) {
        let Some((year, end)) = date_at(chars, at) else {
            from = at + 1;
            continue;
        };
        let before = lower_window(chars, at.saturating_sub(20), at);
        let labelled = ["dob", "d.o.b", "date of birth", "born"]
            .iter()
            .any(|label| before.contains(label));
        // Dates of events logged here are recent; a full date sixteen or more years
        // back is far more likely someone's birthday.
        if labelled || year <= today.year() - 16 {
            spans.push((at, end));
        }
        from = end;
    }
    spans
}

/// A full date at `at` (d/m/y with / . or -, or ISO y-m-d): its four-digit year and end.
fn date_at(chars: &[(usize, char)], at: usize) -> Option<(i32, usize)> {
    let (first, after_first) = digit_run(chars, at);
    let separator = chars.get(after_first).map(|(_, c)| *c)?;
    if !matches!(separator, '/' | '.' | '-') {
        return None;
    }
    let (second, after_second) = digit_run(chars, after_first + 1);
    if second.is_empty()
        || second.len() > 2
        || chars.get(after_second).map(|(_, c)| *c) != Some(separator)
    {
        return None;
    }
    let (third, end) = digit_run(chars, after_second + 1);
    if !ends_word(chars, end) {
        return None;
    }
    let number = |digits: &[u32]| digits.iter().fold(0_i32, |n, d| n * 10 + *d as i32);
    let (day, month, year) = match (first.len(), third.len()) {
        (4, 1..=2) => (number(&third), number(&second), number(&first)),
        (1..=2, 4) => (number(&first), number(&second), number(&third)),
        (1..=2, 2) => {
            let short = number(&third);
            (
                number(&first),
                number(&second),
                1900 + short + if short < 30 { 100 } else { 0 },
            )
        }
        _ => return None,
    };
    let plausible = (1..=31).contains(&day) && (1..=12).contains(&month);
    plausible.then_some((year, end))
}

fn hospital_numbers(chars: &[(usize, char)]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if !starts_word(chars, at) || !is_word_char(chars[at].1) {
            at += 1;
            continue;
        }
        let mut end = at;
        while end < chars.len() && is_word_char(chars[end].1) {
            end += 1;
        }
        let word: Vec<char> = chars[at..end].iter().map(|(_, c)| *c).collect();
        let letters = word.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let digits = word.len() - letters;
        let all_digits_after = word[letters..].iter().all(char::is_ascii_digit);
        let prefixed = (1..=4).contains(&letters)
            && word[..letters].iter().all(char::is_ascii_uppercase)
            && (5..=9).contains(&digits);
        let bare = letters == 0 && (7..=9).contains(&digits);
        let labelled = letters == 0 && (5..=10).contains(&digits) && {
            let before = lower_window(chars, at.saturating_sub(24), at);
            [
                "mrn",
                "hospital number",
                "hospital no",
                "hosp no",
                "unit number",
                "record number",
                "rtx",
            ]
            .iter()
            .any(|label| before.contains(label))
        };
        if all_digits_after && (prefixed || bare || labelled) {
            spans.push((at, end));
        }
        at = end;
    }
    spans
}

fn titled_names(chars: &[(usize, char)]) -> Vec<Span> {
    const TITLES: [&str; 6] = ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"];
    let mut spans = Vec::new();
    for at in 0..chars.len() {
        if !starts_word(chars, at) {
            continue;
        }
        for title in TITLES {
            let length = title.chars().count();
            let matches_title = chars.len() >= at + length
                && chars[at..at + length]
                    .iter()
                    .map(|(_, c)| *c)
                    .eq(title.chars());
            if !matches_title {
                continue;
            }
            let mut next = at + length;
            if chars.get(next).map(|(_, c)| *c) == Some('.') {
                next += 1;
            }
            if chars.get(next).is_none_or(|(_, c)| *c != ' ') {
                continue;
            }
            next += 1;
            let name_start = next;
            if !chars.get(name_start).is_some_and(|(_, c)| c.is_uppercase()) {
                continue;
            }
            let mut end = name_start + 1;
            while end < chars.len()
                && (chars[end].1.is_alphabetic() || matches!(chars[end].1, '\'' | '-'))
            {
                end += 1;
            }
            // A name has lower-case letters (O'Neill, McKay); "Dr ED" is an acronym.
            let has_lower = chars[name_start + 1..end]
                .iter()
                .any(|(_, c)| c.is_lowercase());
            if end - name_start >= 2 && has_lower {
                spans.push((at, end));
            }
        }
    }
    spans
}

fn ages_with_sex(chars: &[(usize, char)]) -> Vec<Span> {
    const SEXES: [&str; 9] = [
        "man",
        "woman",
        "male",
        "female",
        "lady",
        "gentleman",
        "gent",
        "boy",
        "girl",
    ];
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(at) = next_number(chars, from) {
        let (digits, after) = digit_run(chars, at);
        let money = at > 0 && matches!(chars[at - 1].1, '£' | '$' | '€');
        if digits.len() > 3 || money {
            from = after;
            continue;
        }
        // "72M", "72 F", "72yo M": one capital letter right after the age.
        let mut next = after;
        if chars.get(next).is_some_and(|(_, c)| *c == ' ') {
            next += 1;
        }
        let rest = lower_window(chars, next, (next + 4).min(chars.len()));
        let consumed = ["yo ", "y/o ", "yo", "y/o"]
            .iter()
            .find(|prefix| rest.starts_with(*prefix))
            .map_or(0, |prefix| prefix.len());
        let letter = chars.get(next + consumed).map(|(_, c)| *c);
        if matches!(letter, Some('M') | Some('F')) && ends_word(chars, next + consumed + 1) {
            spans.push((at, next + consumed + 1));
            from = next + consumed + 1;
            continue;
        }
        // "72-year-old woman", "72 year old man".
        let year_old = [
            "-year-old ",
            " year old ",
            "-yr-old ",
            " yr old ",
            "-year old ",
        ]
        .iter()
        .find_map(|joiner| {
            lower_window(chars, after, (after + 12).min(chars.len()))
                .starts_with(joiner)
                .then_some(joiner.len())
        });
        if let Some(joiner) = year_old {
            let word_start = after + joiner;
            let mut word_end = word_start;
            while word_end < chars.len() && chars[word_end].1.is_alphabetic() {
                word_end += 1;
            }
            let word = lower_window(chars, word_start, word_end);
            if SEXES.contains(&word.as_str()) {
                spans.push((at, word_end));
                from = word_end;
                continue;
            }
        }
        from = after;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::from_ymd(2026, 11, 22).expect("exists")
    }

    fn kinds(text: &str) -> Vec<(FindingKind, String)> {
        scan(text, today())
            .into_iter()
            .map(|finding| (finding.kind, finding.text))
            .collect()
    }

    #[test]
    fn nhs_numbers_need_a_valid_check_digit() {
        assert_eq!(
            kinds("NHS no 943 476 5919 on the list"),
            vec![(FindingKind::NhsNumber, "943 476 5919".into())]
        );
        assert_eq!(
            kinds("9434765919"),
            vec![(FindingKind::NhsNumber, "9434765919".into())]
        );
        assert_eq!(kinds("943-476-5919")[0].0, FindingKind::NhsNumber);
        // Same digits with a wrong check digit: not an NHS number (and ten digits is
        // too long for a hospital number).
        assert!(kinds("943 476 5918").is_empty());
        assert!(kinds("9434765918").is_empty());
    }

    #[test]
    fn the_modulus_11_rule() {
        assert!(is_valid_nhs_number(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 9]));
        assert!(!is_valid_nhs_number(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 8]));
        assert!(!is_valid_nhs_number(&[1, 2, 3]));
    }

    #[test]
    fn dates_of_birth_but_not_rota_dates() {
        assert_eq!(
            kinds("DOB 03/12/1948, admitted overnight")[0],
            (FindingKind::DateOfBirth, "03/12/1948".into())
        );
        assert_eq!(kinds("born 1.2.61")[0].0, FindingKind::DateOfBirth);
        assert_eq!(
            kinds("seen 14/02/1952 in clinic")[0].0,
            FindingKind::DateOfBirth
        );
        assert!(kinds("Rota for 03/12/2026 was short by two").is_empty());
        assert!(kinds("Handover on 2026-11-20 overran").is_empty());
    }

    #[test]
    fn hospital_numbers() {
        assert_eq!(
            kinds("RXH1234567 was on the board")[0].0,
            FindingKind::HospitalNumber
        );
        assert_eq!(kinds("MRN 5512345")[0].0, FindingKind::HospitalNumber);
        assert_eq!(kinds("MRN: 55123")[0].0, FindingKind::HospitalNumber);
        assert!(kinds("Bleep 4521, ward 7, 12 patients, A&E, F1s and CT2s").is_empty());
    }

    #[test]
    fn titles_followed_by_names() {
        assert_eq!(
            kinds("Discussed with Mrs Patel and Dr. O'Neill"),
            vec![
                (FindingKind::TitledName, "Mrs Patel".into()),
                (FindingKind::TitledName, "Dr. O'Neill".into())
            ]
        );
        assert!(kinds("The Dr on call and the mr scan").is_empty());
        assert!(kinds("Mr").is_empty());
    }

    #[test]
    fn ages_with_sex() {
        assert_eq!(
            kinds("72M with chest pain")[0],
            (FindingKind::AgeWithSex, "72M".into())
        );
        assert_eq!(kinds("a 45 F in bay 3")[0].0, FindingKind::AgeWithSex);
        assert_eq!(kinds("an 80yo M fell")[0].0, FindingKind::AgeWithSex);
        assert_eq!(
            kinds("a 72-year-old woman in resus")[0],
            (FindingKind::AgeWithSex, "72-year-old woman".into())
        );
        assert!(kinds("a £10M budget, 5 m away, 20 mg, a 3 year old rota").is_empty());
    }

    #[test]
    fn offsets_point_into_the_text_even_after_accents() {
        let text = "Équipe: Mr Jones";
        let found = scan(text, today());
        assert_eq!(&text[found[0].start..], "Mr Jones");
    }

    #[test]
    fn an_ordinary_reflection_is_clean() {
        let reflection = "I led the evening handover on the acute medical unit. We had 14 \
            patients and two sick ones; I asked the F1s to prioritise jobs and escalated to \
            the registrar at 21:30. Next time I will start with the sickest patients first.";
        assert!(kinds(reflection).is_empty(), "{:?}", kinds(reflection));
    }
}
