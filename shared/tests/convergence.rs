//! Three replicas of one entry make random edits — including concurrent insertions
//! into the same reflection — and merge in random order. However they meet, they end
//! identical, and every word any of them typed is there.

use proptest::prelude::*;
use shared::day::Day;
use shared::entry::{CaptureDraft, EntryDoc, EntryEdit, Now};
use shared::vocabulary::ActivityKind;
use shared::ActorId;

#[derive(Debug, Clone)]
enum Step {
    /// Replica `at` inserts `word` into the "what" section, between two words.
    Type {
        at: usize,
        position: f64,
        word: String,
    },
    /// Replica `at` tags or untags the entry.
    Tag {
        at: usize,
        tag: String,
        tagged: bool,
    },
    /// Replica `from` sends everything it has to replica `to`.
    Merge { from: usize, to: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 0.0..=1.0f64, "[a-z]{3,8}").prop_map(|(at, position, word)| Step::Type { at, position, word }),
        1 => (0..3usize, "[a-z]{2,5}", any::<bool>()).prop_map(|(at, tag, tagged)| Step::Tag { at, tag, tagged }),
        2 => (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Merge { from, to }),
    ]
}

fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).expect("exists"),
    }
}

fn base() -> EntryDoc {
    let new = CaptureDraft {
        kind: Some(ActivityKind::WardRound),
        title: "Led the ward round".into(),
        ..CaptureDraft::default()
    }
    .validate(now().today)
    .expect("valid");
    EntryDoc::create("entry", &new, now(), ActorId::from(b"origin".as_slice())).expect("created")
}

fn what(doc: &EntryDoc) -> String {
    doc.read()
        .expect("reads")
        .reflection
        .get("what")
        .cloned()
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn replicas_converge_and_keep_every_word(steps in proptest::collection::vec(step(), 1..40), order in Just(()).prop_perturb(|_, mut rng| {
        let mut order = vec![0usize, 1, 2];
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next_u32() as usize) % (i + 1));
        }
        order
    })) {
        let mut origin = base();
        let bytes = origin.save();
        let mut replicas: Vec<EntryDoc> = (0..3)
            .map(|i| EntryDoc::load(&bytes, ActorId::from(format!("replica-{i}").as_bytes())).expect("loads"))
            .collect();
        let mut typed = Vec::new();
        for step in steps {
            match step {
                Step::Type { at, position, word } => {
                    let text = what(&replicas[at]);
                    // Between words, so the check below can find each word whole.
                    let boundaries: Vec<usize> = [0]
                        .into_iter()
                        .chain(text.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i + 1))
                        .collect();
                    let cut = boundaries[((boundaries.len() - 1) as f64 * position) as usize];
                    let marked = format!("{}{} {}", &text[..cut], word, &text[cut..]);
                    replicas[at]
                        .apply(&EntryEdit::Reflection { section: "what".into(), text: marked }, now())
                        .expect("applies");
                    typed.push(word);
                }
                Step::Tag { at, tag, tagged } => {
                    replicas[at].apply(&EntryEdit::Tag { tag, tagged }, now()).expect("applies");
                }
                Step::Merge { from, to } if from != to => {
                    let mut source = replicas[from].clone();
                    replicas[to].merge(&mut source).expect("merges");
                }
                Step::Merge { .. } => {}
            }
        }
        // Everyone meets everyone, in a random order.
        for &from in &order {
            for &to in &order {
                if from != to {
                    let mut source = replicas[from].clone();
                    replicas[to].merge(&mut source).expect("merges");
                }
            }
        }
        let first = replicas[0].read().expect("reads");
        for replica in &replicas[1..] {
            prop_assert_eq!(&replica.read().expect("reads"), &first);
        }
        let merged = what(&replicas[0]);
        for word in typed {
            prop_assert!(merged.contains(&word), "{word:?} missing from {merged:?}");
        }
    }
}
