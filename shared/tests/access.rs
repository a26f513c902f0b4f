//! The access rules a server applies to every incoming change to an entry, driven by
//! changes a misbehaving client could send: each rule refuses what it should, with a
//! reason, and lets through what the app sends.

use shared::access::{check_entry_changes, Writer};
use shared::automerge::transaction::Transactable;
use shared::automerge::{ObjType, ReadDoc, Value, ROOT};
use shared::day::Day;
use shared::entry::{Author, CaptureDraft, CommentDraft, EntryDoc, EntryEdit, Now};
use shared::vocabulary::{ActivityKind, Entrustment};
use shared::ActorId;

const TRAINEE: &str = "trainee-id";
const SUPERVISOR: &str = "supervisor-id";
const OTHER: &str = "other-supervisor-id";

fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).expect("exists"),
    }
}

/// The server's copy of a trainee's entry, and a device's copy for `actor`.
fn entry() -> EntryDoc {
    let draft = CaptureDraft {
        kind: Some(ActivityKind::Handover),
        title: "Led the night handover".into(),
        ..CaptureDraft::default()
    };
    let new = draft.validate(now().today).expect("valid");
    EntryDoc::create("entry-1", &new, now(), ActorId::from(b"trainee".as_slice())).expect("created")
}

fn copy_for(server: &mut EntryDoc, actor: &[u8]) -> EntryDoc {
    EntryDoc::load(&server.save(), ActorId::from(actor)).expect("loads")
}

fn person(id: &str) -> Author {
    Author {
        id: id.into(),
        name: format!("Dr {id}"),
    }
}

fn feedback(body: &str) -> CommentDraft {
    CommentDraft {
        body: body.into(),
        entrustment: Some(Entrustment::IndirectSupervision),
        sign_off: true,
    }
}

/// Applies the device's changes to a copy of the server's document and checks them.
fn check(server: &mut EntryDoc, device: &mut EntryDoc, writer: Writer) -> Result<(), String> {
    let mut fork = server.clone();
    let before = fork.heads();
    fork.merge(device).expect("merges");
    check_entry_changes(fork.automerge_mut(), &before, writer).map_err(|e| e.0)
}

#[test]
fn a_supervisor_may_add_and_edit_their_own_feedback() {
    let mut server = entry();
    let mut phone = copy_for(&mut server, b"supervisor");
    phone
        .add_comment(
            "c1",
            &person(SUPERVISOR),
            &feedback("Well run."),
            now().millis,
        )
        .expect("comment");
    assert_eq!(
        check(&mut server, &mut phone, Writer::Reader(SUPERVISOR)),
        Ok(())
    );
    server.merge(&mut phone).expect("merges");

    let edit = CommentDraft {
        body: "Well run. Next time, name a deputy.".into(),
        ..CommentDraft::default()
    };
    phone
        .edit_comment("c1", SUPERVISOR, &edit, now().millis)
        .expect("edit");
    assert_eq!(
        check(&mut server, &mut phone, Writer::Reader(SUPERVISOR)),
        Ok(())
    );
    let read = phone.read().expect("reads");
    assert_eq!(read.comments.len(), 1);
    assert!(!read.comments[0].signed_off);
}

#[test]
fn a_supervisor_may_not_touch_the_entry_or_its_sharing() {
    let mut server = entry();
    for (edit, expected) in [
        (EntryEdit::Title("Rewritten".into()), "title"),
        (
            EntryEdit::Share {
                user: OTHER.into(),
                shared: true,
            },
            "Only the trainee can change who an entry is shared with",
        ),
        (EntryEdit::Deleted(true), "delete"),
        (
            EntryEdit::Reflection {
                section: "what".into(),
                text: "Inserted words".into(),
            },
            "reflection",
        ),
    ] {
        let mut phone = copy_for(&mut server, b"supervisor");
        phone.apply(&edit, now()).expect("the device allows it");
        let refused = check(&mut server, &mut phone, Writer::Reader(SUPERVISOR))
            .expect_err("a supervisor may not change this");
        assert!(refused.contains(expected), "{edit:?}: {refused}");
        // The same change by the owner is fine.
        assert_eq!(
            check(&mut server, &mut phone, Writer::Owner(TRAINEE)),
            Ok(())
        );
    }
}

#[test]
fn a_write_that_loses_a_conflict_is_still_seen() {
    let mut server = entry();
    // Actor ids order conflicting writes; the smallest loses, so nothing visible changes.
    let mut phone = copy_for(&mut server, &[0]);
    phone
        .automerge_mut()
        .put(ROOT, "kind", "crisis")
        .expect("put");
    phone.automerge_mut().commit();
    let mut trainee = copy_for(&mut server, b"zzz-trainee");
    trainee
        .apply(&EntryEdit::Kind(ActivityKind::WardRound), now())
        .expect("edit");
    server.merge(&mut trainee).expect("merges");
    let refused = check(&mut server, &mut phone, Writer::Reader(SUPERVISOR))
        .expect_err("a hidden write to a field is still a write");
    assert!(refused.contains("details"), "{refused}");
}

#[test]
fn nobody_may_change_another_persons_comment() {
    let mut server = entry();
    let mut other = copy_for(&mut server, b"other");
    other
        .add_comment("c1", &person(OTHER), &feedback("Good."), now().millis)
        .expect("comment");
    server.merge(&mut other).expect("merges");

    let mut phone = copy_for(&mut server, b"supervisor");
    phone
        .automerge_mut()
        .put_object(ROOT, "comments", ObjType::Map)
        .expect("replace thread");
    phone.automerge_mut().commit();
    let refused = check(&mut server, &mut phone, Writer::Reader(SUPERVISOR)).expect_err("wipe");
    assert!(refused.contains("cannot be replaced"), "{refused}");

    for writer in [Writer::Reader(SUPERVISOR), Writer::Owner(TRAINEE)] {
        let mut device = copy_for(&mut server, b"device");
        let doc = device.automerge_mut();
        let Some((Value::Object(ObjType::Map), comments)) = doc.get(ROOT, "comments").expect("get")
        else {
            panic!("no comments map");
        };
        let Some((Value::Object(ObjType::Map), comment)) = doc.get(&comments, "c1").expect("get")
        else {
            panic!("no comment");
        };
        doc.put(&comment, "signed_off", false).expect("put");
        doc.commit();
        let refused = check(&mut server, &mut device, writer).expect_err("not theirs");
        assert!(refused.contains("someone else's"), "{writer:?}: {refused}");

        let mut device = copy_for(&mut server, b"device");
        let doc = device.automerge_mut();
        let comments = match doc.get(ROOT, "comments").expect("get") {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => panic!("no comments map"),
        };
        doc.delete(&comments, "c1").expect("delete");
        doc.commit();
        assert!(check(&mut server, &mut device, writer).is_err());
    }
}

#[test]
fn a_comment_must_carry_its_writers_name() {
    let mut server = entry();
    let mut phone = copy_for(&mut server, b"supervisor");
    phone
        .add_comment(
            "c1",
            &person(OTHER),
            &feedback("Signed as someone else"),
            now().millis,
        )
        .expect("comment");
    let refused = check(&mut server, &mut phone, Writer::Reader(SUPERVISOR)).expect_err("forged");
    assert!(refused.contains("your own name"), "{refused}");
}

#[test]
fn the_trainee_may_reply_but_not_assess_their_own_entry() {
    let mut server = entry();
    let mut supervisor = copy_for(&mut server, b"supervisor");
    supervisor
        .add_comment("c1", &person(SUPERVISOR), &feedback("Good."), now().millis)
        .expect("comment");
    server.merge(&mut supervisor).expect("merges");

    let mut laptop = copy_for(&mut server, b"laptop");
    let reply = CommentDraft {
        body: "Thank you, I will.".into(),
        ..CommentDraft::default()
    };
    laptop
        .add_comment("c2", &person(TRAINEE), &reply, now().millis + 1)
        .expect("reply");
    assert_eq!(
        check(&mut server, &mut laptop, Writer::Owner(TRAINEE)),
        Ok(())
    );
    let read = laptop.read().expect("reads");
    assert_eq!(read.comments.len(), 2);
    assert_eq!(read.comments[1].author, TRAINEE);
    assert!(read.is_signed_off());
    assert_eq!(read.entrustment(), Some(Entrustment::IndirectSupervision));

    let mut laptop = copy_for(&mut server, b"laptop");
    laptop
        .add_comment(
            "c3",
            &person(TRAINEE),
            &feedback("Self-signed"),
            now().millis,
        )
        .expect("comment");
    let refused = check(&mut server, &mut laptop, Writer::Owner(TRAINEE)).expect_err("self");
    assert!(refused.contains("Only a supervisor"), "{refused}");
}

#[test]
fn a_new_entry_passes_for_its_owner_only() {
    let mut created = entry();
    let mut fork = EntryDoc::load(&created.save(), ActorId::random()).expect("loads");
    assert!(check_entry_changes(fork.automerge_mut(), &[], Writer::Owner(TRAINEE)).is_ok());
    assert!(check_entry_changes(fork.automerge_mut(), &[], Writer::Reader(SUPERVISOR)).is_err());
}

#[test]
fn an_empty_comment_is_refused_on_the_device() {
    let mut phone = entry();
    let error = phone
        .add_comment(
            "c1",
            &person(SUPERVISOR),
            &CommentDraft::default(),
            now().millis,
        )
        .expect_err("empty");
    assert!(error.to_string().contains("write a comment"), "{error}");
}

#[test]
fn the_trainee_cannot_replace_or_delete_the_thread_or_hide_a_write_in_a_comment() {
    let mut server = entry();
    let mut supervisor = copy_for(&mut server, b"supervisor");
    supervisor
        .add_comment("c1", &person(SUPERVISOR), &feedback("Good."), now().millis)
        .expect("comment");
    server.merge(&mut supervisor).expect("merges");

    let mut laptop = copy_for(&mut server, b"laptop");
    laptop
        .automerge_mut()
        .put_object(ROOT, "comments", ObjType::Map)
        .expect("replace");
    laptop.automerge_mut().commit();
    let refused = check(&mut server, &mut laptop, Writer::Owner(TRAINEE)).expect_err("wipe");
    assert!(refused.contains("cannot be replaced"), "{refused}");

    let mut laptop = copy_for(&mut server, b"laptop");
    laptop
        .automerge_mut()
        .delete(ROOT, "comments")
        .expect("delete");
    laptop.automerge_mut().commit();
    assert!(check(&mut server, &mut laptop, Writer::Owner(TRAINEE)).is_err());

    // A write into the supervisor's comment that loses its conflict is still seen.
    let mut laptop = copy_for(&mut server, &[0]);
    let doc = laptop.automerge_mut();
    let Some((Value::Object(ObjType::Map), comments)) = doc.get(ROOT, "comments").expect("get")
    else {
        panic!("no comments map");
    };
    let Some((Value::Object(ObjType::Map), comment)) = doc.get(&comments, "c1").expect("get")
    else {
        panic!("no comment");
    };
    doc.put(&comment, "signed_off", false).expect("put");
    doc.commit();
    let mut winner = copy_for(&mut server, b"zzz-supervisor");
    winner
        .edit_comment("c1", SUPERVISOR, &feedback("Good, and more."), now().millis)
        .expect("edit");
    server.merge(&mut winner).expect("merges");
    let refused = check(&mut server, &mut laptop, Writer::Owner(TRAINEE)).expect_err("hidden");
    assert!(refused.contains("someone else's"), "{refused}");
}
