//! The sync engine end to end: the real server binary on loopback, and devices that
//! speak the protocol from Rust over real WebSockets. Each test is a trainee's story:
//! two devices, a device offline for a while, a server restart, bad input, and
//! someone trying to read or write what is not theirs.

use automerge::transaction::Transactable;
use automerge::ROOT;
use e2e::device::{Device, DeviceError};
use e2e::{check, register, Outcome, Server, PATIENCE};
use shared::protocol::{self, ClientFrame, ErrorCode, RejectCode, MAX_FRAME_BYTES};

fn what(device: &Device, id: &str) -> String {
    device
        .entry(id)
        .and_then(|entry| entry.reflection.get("what").cloned())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_entry_made_offline_on_the_phone_reaches_the_laptop_and_edits_flow_back() -> Outcome {
    let server = Server::start().await?;
    let (_, token) = register(&server, "phone-laptop").await?;
    let mut phone = Device::new("phone");
    phone.create_entry("entry-a1", "Led the post-take ward round")?;
    phone.append_reflection(
        "entry-a1",
        "Took the ward round when the registrar was called away.",
    )?;
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    check(
        phone.outbox_len() == 0,
        "the phone's outbox empties once the server has saved",
    )?;

    let mut laptop = Device::new("laptop");
    laptop.connect(&server.url(), &token).await?;
    laptop.sync().await?;
    check(
        laptop
            .entry("entry-a1")
            .is_some_and(|e| e.title == "Led the post-take ward round"),
        "the laptop receives the entry made on the phone",
    )?;

    // Both connected: an edit on the laptop is pushed to the phone.
    laptop.append_reflection("entry-a1", " I asked the F1s to present.")?;
    laptop.sync().await?;
    phone
        .pump_until("the laptop's edit to arrive", PATIENCE, |phone| {
            what(phone, "entry-a1").contains("F1s")
        })
        .await?;
    check(
        phone.heads("entry-a1") == laptop.heads("entry-a1"),
        "both devices hold the same entry",
    )
}

#[tokio::test]
async fn edits_to_one_reflection_on_two_offline_devices_both_survive() -> Outcome {
    let server = Server::start().await?;
    let (_, token) = register(&server, "concurrent").await?;
    let mut phone = Device::new("phone");
    let mut laptop = Device::new("laptop");
    phone.create_entry("entry-b1", "Chaired the rota meeting")?;
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    laptop.connect(&server.url(), &token).await?;
    laptop.sync().await?;
    phone.disconnect();
    laptop.disconnect();

    phone.append_reflection("entry-b1", "Typed on the phone in the mess.")?;
    laptop.append_reflection("entry-b1", "Typed on the laptop at home.")?;

    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    laptop.connect(&server.url(), &token).await?;
    laptop.sync().await?;
    phone
        .pump_until("the laptop's words", PATIENCE, |phone| {
            what(phone, "entry-b1").contains("laptop")
        })
        .await?;
    for device in [&phone, &laptop] {
        let text = what(device, "entry-b1");
        check(
            text.contains("Typed on the phone in the mess."),
            format!("the phone's words survive: {text:?}"),
        )?;
        check(
            text.contains("Typed on the laptop at home."),
            format!("the laptop's words survive: {text:?}"),
        )?;
    }
    check(
        phone.heads("entry-b1") == laptop.heads("entry-b1"),
        "both converge",
    )
}

#[tokio::test]
async fn a_device_offline_for_a_while_gets_only_what_changed() -> Outcome {
    let server = Server::start().await?;
    let (_, token) = register(&server, "offline").await?;
    let mut phone = Device::new("phone");
    phone.create_entry("entry-c0", "Handover before the weekend")?;
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    phone.disconnect();

    let mut laptop = Device::new("laptop");
    laptop.connect(&server.url(), &token).await?;
    laptop.sync().await?;
    for n in 1..=30 {
        laptop.create_entry(&format!("entry-c{n}"), &format!("Teaching session {n}"))?;
    }
    laptop.sync().await?;

    phone.reset_traffic();
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    check(
        phone.doc_ids().len() == 31,
        format!(
            "the phone has all 31 entries, not {}",
            phone.doc_ids().len()
        ),
    )?;
    let first = phone.traffic;

    // Nothing changed since: catching up again costs almost nothing.
    phone.disconnect();
    phone.reset_traffic();
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    check(
        phone.traffic.received < first.received / 10,
        format!(
            "an idle catch-up is small ({} bytes after {} bytes)",
            phone.traffic.received, first.received
        ),
    )
}

#[tokio::test]
async fn everything_saved_survives_a_server_restart() -> Outcome {
    let mut server = Server::start().await?;
    let (_, token) = register(&server, "restart").await?;
    let mut phone = Device::new("phone");
    phone.create_entry("entry-d1", "Led the crash call")?;
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    phone.disconnect();

    server.restart().await?;

    let mut laptop = Device::new("laptop");
    laptop.connect(&server.url(), &token).await?;
    laptop.sync().await?;
    check(
        laptop.entry("entry-d1").is_some(),
        "the entry is still there after a restart",
    )?;
    phone.append_reflection("entry-d1", "Debrief afterwards.")?;
    phone.connect(&server.url(), &token).await?;
    phone.sync().await?;
    laptop
        .pump_until("the phone's edit after the restart", PATIENCE, |laptop| {
            what(laptop, "entry-d1").contains("Debrief")
        })
        .await?;
    Ok(())
}

#[tokio::test]
async fn bad_input_gets_a_specific_answer_and_the_connection_carries_on() -> Outcome {
    let server = Server::start().await?;
    let (_, token) = register(&server, "bad-input").await?;
    let mut device = Device::new("tester");
    device.connect(&server.url(), &token).await?;
    device.sync().await?;

    let failed = |result: Result<(), DeviceError>, code: ErrorCode| match result {
        Err(DeviceError::Refused {
            code: found,
            message,
        }) if found == code => Ok(message),
        other => Err(e2e::Failure::Check(format!(
            "expected {code:?}, got {other:?}"
        ))),
    };
    let idle = |_: &Device| false;

    let [high, low] = protocol::PROTOCOL_VERSION.to_be_bytes();
    device.send_raw(vec![high, low, 0xff, 0xff, 0xff]).await?;
    let message = failed(
        device
            .pump_until("a garbled frame's answer", PATIENCE, idle)
            .await,
        ErrorCode::BadFrame,
    )?;
    check(
        message.contains("cannot be read"),
        format!("garbled frame: {message}"),
    )?;

    let mut old = protocol::encode(&ClientFrame::Since {
        cursor: 0,
        dirty: vec![],
    })
    .expect("encodes");
    old[..2].copy_from_slice(&0_u16.to_be_bytes());
    device.send_raw(old).await?;
    let message = failed(
        device
            .pump_until("an old version's answer", PATIENCE, idle)
            .await,
        ErrorCode::UnsupportedVersion,
    )?;
    check(
        message.contains("update the app"),
        format!("old app: {message}"),
    )?;

    device.send_raw(vec![0; MAX_FRAME_BYTES + 10]).await?;
    let message = failed(
        device
            .pump_until("an oversized frame's answer", PATIENCE, idle)
            .await,
        ErrorCode::TooLarge,
    )?;
    check(message.contains("limit"), format!("oversized: {message}"))?;

    device.send_text("hello?").await?;
    let message = failed(
        device
            .pump_until("a text frame's answer", PATIENCE, idle)
            .await,
        ErrorCode::BadFrame,
    )?;
    check(message.contains("binary"), format!("text frame: {message}"))?;

    let not_automerge = ClientFrame::Sync {
        doc: "entry-e1".into(),
        message: b"\x42 not automerge".to_vec(),
    };
    device
        .send_raw(protocol::encode(&not_automerge).expect("encodes"))
        .await?;
    device
        .pump_until("a refusal of bad Automerge bytes", PATIENCE, |d| {
            !d.refusals.is_empty()
        })
        .await?;
    check(
        device.refusals[0].code == RejectCode::Malformed,
        format!("bad bytes: {:?}", device.refusals[0]),
    )?;

    device.create_entry("entry-e2", "Ran the departmental audit meeting")?;
    device.sync().await?;
    device.edit_raw("entry-e2", |doc| {
        let _ = doc.put(ROOT, "kind", "juggling");
    })?;
    device
        .pump_until("a refusal of a broken entry", PATIENCE, |d| {
            d.refusals.len() >= 2
        })
        .await?;
    let refusal = &device.refusals[1];
    check(
        refusal.code == RejectCode::Invalid && refusal.reason.contains("juggling"),
        format!("broken entry: {refusal:?}"),
    )?;

    // After all that, the same connection still saves a good entry.
    device.create_entry("entry-e3", "Led the morning huddle")?;
    device.sync().await?;
    let mut other = Device::new("other");
    other.connect(&server.url(), &token).await?;
    other.sync().await?;
    check(
        other.entry("entry-e3").is_some(),
        "the good entry was stored",
    )?;
    let stored_kind = other.entry("entry-e2").map(|e| e.kind.code());
    check(
        stored_kind == Some("ward_round"),
        format!("the broken change was not stored: {stored_kind:?}"),
    )
}

#[tokio::test]
async fn a_wrong_token_is_refused() -> Outcome {
    let server = Server::start().await?;
    let mut device = Device::new("stranger");
    device.connect(&server.url(), "not-a-token").await?;
    match device.sync().await {
        Err(DeviceError::Refused {
            code: ErrorCode::Unauthorised,
            message,
        }) => check(
            message.contains("sign in"),
            format!("wrong token: {message}"),
        ),
        other => Err(e2e::Failure::Check(format!(
            "expected Unauthorised, got {other:?}"
        ))),
    }
}

#[tokio::test]
async fn nobody_reads_or_writes_another_trainees_entries() -> Outcome {
    let server = Server::start().await?;
    let (_, alice) = register(&server, "alice").await?;
    let (_, bob) = register(&server, "bob").await?;
    let mut alices_phone = Device::with_actor(b"alice-phone-actor");
    alices_phone.create_entry("entry-f1", "Alice's private reflection")?;
    alices_phone.connect(&server.url(), &alice).await?;
    alices_phone.sync().await?;

    let mut bobs_phone = Device::new("bob");
    bobs_phone.connect(&server.url(), &bob).await?;
    bobs_phone.sync().await?;
    check(
        bobs_phone.doc_ids().is_empty(),
        "Bob's catch-up lists none of Alice's entries",
    )?;

    // Bob asks for Alice's entry by id: refused, and nothing of it is sent.
    bobs_phone.create_entry("entry-f1", "Bob overwrites Alice")?;
    bobs_phone
        .pump_until("a refusal", PATIENCE, |d| !d.refusals.is_empty())
        .await?;
    check(
        bobs_phone.refusals[0].code == RejectCode::Forbidden,
        format!("{:?}", bobs_phone.refusals[0]),
    )?;

    // Bob's device reuses Alice's Automerge actor: refused as impersonation.
    let mut impostor = Device::with_actor(b"alice-phone-actor");
    impostor.create_entry("entry-f2", "Made with Alice's actor")?;
    impostor.connect(&server.url(), &bob).await?;
    impostor
        .pump_until("a refusal", PATIENCE, |d| !d.refusals.is_empty())
        .await?;
    check(
        impostor.refusals[0].code == RejectCode::Forbidden,
        format!("{:?}", impostor.refusals[0]),
    )?;

    let mut alices_laptop = Device::new("alice-laptop");
    alices_laptop.connect(&server.url(), &alice).await?;
    alices_laptop.sync().await?;
    check(
        alices_laptop
            .entry("entry-f1")
            .is_some_and(|e| e.title == "Alice's private reflection"),
        "Alice's entry is untouched",
    )
}
