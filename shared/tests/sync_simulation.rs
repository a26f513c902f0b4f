//! Whole sync conversations on a simulated network: two devices of one trainee and a
//! server built from `shared::sync::server`, with frames delivered in random
//! interleavings, connections dropped with frames in flight, and offline edits. Every
//! run ends with every replica identical, every outbox empty and every word typed on
//! either device present. No sockets, no clocks, no sleeps: proptest drives it all.

use automerge::sync;
use automerge::AutoCommit;
use proptest::prelude::*;
use shared::day::Day;
use shared::entry::{CaptureDraft, EntryDoc, EntryEdit, Now};
use shared::protocol::{self, ClientFrame, DocId, ServerFrame};
use shared::sync::client::{Action, ClientSession};
use shared::sync::{heads_to_wire, server};
use shared::vocabulary::ActivityKind;
use shared::ActorId;
use std::collections::{BTreeMap, HashMap, VecDeque};

const DEVICES: usize = 2;

#[derive(Debug, Clone)]
enum Step {
    Create {
        device: usize,
    },
    Type {
        device: usize,
        pick: usize,
        word: String,
    },
    Deliver {
        device: usize,
        up: bool,
    },
    Drop {
        device: usize,
    },
    Connect {
        device: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let device = 0..DEVICES;
    prop_oneof![
        1 => device.clone().prop_map(|device| Step::Create { device }),
        3 => (device.clone(), any::<usize>(), "[a-z]{4,8}").prop_map(|(device, pick, word)| Step::Type { device, pick, word }),
        8 => (device.clone(), any::<bool>()).prop_map(|(device, up)| Step::Deliver { device, up }),
        1 => device.clone().prop_map(|device| Step::Drop { device }),
        2 => device.prop_map(|device| Step::Connect { device }),
    ]
}

fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).expect("a day"),
    }
}

/// The server: documents, the user's change log (its index + 1 is the cursor; each
/// entry the document and the changes stored), and one set of sync states per
/// connected device.
#[derive(Default)]
struct Server {
    docs: BTreeMap<DocId, AutoCommit>,
    log: Vec<(DocId, Vec<u8>)>,
    connections: HashMap<usize, HashMap<DocId, sync::State>>,
}

impl Server {
    /// Handles one frame from `device`, returning frames for each device.
    fn handle(&mut self, device: usize, frame: ClientFrame) -> Vec<(usize, ServerFrame)> {
        let mut out = Vec::new();
        match frame {
            ClientFrame::Hello { .. } => {
                self.connections.insert(device, HashMap::new());
                out.push((
                    device,
                    ServerFrame::Welcome {
                        user: "trainee".into(),
                        cursor: self.log.len() as u64,
                    },
                ));
            }
            ClientFrame::Since { cursor, .. } => {
                let mut changed: BTreeMap<DocId, Vec<u8>> = BTreeMap::new();
                for (doc, bytes) in self.log.iter().skip(cursor as usize) {
                    changed
                        .entry(doc.clone())
                        .or_default()
                        .extend_from_slice(bytes);
                }
                out.push((
                    device,
                    ServerFrame::Changed {
                        docs: changed.keys().cloned().collect(),
                        cursor: self.log.len() as u64,
                    },
                ));
                for (doc, changes) in changed {
                    out.push((device, self.changes(&doc, changes)));
                }
            }
            ClientFrame::Push { doc, changes } => {
                let current = self.docs.get(&doc).cloned().unwrap_or_default();
                match server::push(&doc, &current, &changes) {
                    Ok(server::Pushed::Accepted { doc: updated, new }) if !new.is_empty() => {
                        out.extend(self.store(device, &doc, *updated, new.bytes));
                    }
                    Ok(server::Pushed::Accepted { .. }) => {
                        let heads = self
                            .docs
                            .get_mut(&doc)
                            .map(AutoCommit::get_heads)
                            .unwrap_or_default();
                        out.push((
                            device,
                            ServerFrame::Saved {
                                doc: doc.clone(),
                                heads: heads_to_wire(&heads),
                            },
                        ));
                    }
                    Ok(server::Pushed::NeedsSync) => {
                        *self.state(device, &doc) = sync::State::new();
                        out.extend(self.offer(device, &doc));
                    }
                    Err(rejection) => out.push((
                        device,
                        ServerFrame::Rejected {
                            doc,
                            code: rejection.code,
                            reason: rejection.reason,
                        },
                    )),
                }
            }
            ClientFrame::Sync { doc, message } => {
                let current = self.docs.get(&doc).cloned().unwrap_or_default();
                let state = self.state(device, &doc).clone();
                match server::receive(&doc, &current, &state, &message) {
                    Ok(received) => {
                        *self.state(device, &doc) = received.state;
                        if !received.new.is_empty() {
                            out.extend(self.store(device, &doc, received.doc, received.new.bytes));
                        }
                        out.extend(self.offer(device, &doc));
                    }
                    Err(rejection) => out.push((
                        device,
                        ServerFrame::Rejected {
                            doc,
                            code: rejection.code,
                            reason: rejection.reason,
                        },
                    )),
                }
            }
        }
        out
    }

    /// Stores new changes, confirms them to `device` and sends them to the others.
    fn store(
        &mut self,
        device: usize,
        doc: &str,
        updated: AutoCommit,
        bytes: Vec<u8>,
    ) -> Vec<(usize, ServerFrame)> {
        self.docs.insert(doc.to_owned(), updated);
        self.log.push((doc.to_owned(), bytes.clone()));
        let heads = self
            .docs
            .get_mut(doc)
            .map(AutoCommit::get_heads)
            .unwrap_or_default();
        let mut out = vec![(
            device,
            ServerFrame::Saved {
                doc: doc.to_owned(),
                heads: heads_to_wire(&heads),
            },
        )];
        let others: Vec<usize> = self
            .connections
            .keys()
            .copied()
            .filter(|d| *d != device)
            .collect();
        for other in others {
            out.push((other, self.changes(doc, bytes.clone())));
        }
        out
    }

    fn changes(&mut self, doc: &str, changes: Vec<u8>) -> ServerFrame {
        let heads = self
            .docs
            .get_mut(doc)
            .map(AutoCommit::get_heads)
            .unwrap_or_default();
        ServerFrame::Changes {
            doc: doc.to_owned(),
            changes,
            heads: heads_to_wire(&heads),
        }
    }

    fn state(&mut self, device: usize, doc: &str) -> &mut sync::State {
        self.connections
            .entry(device)
            .or_default()
            .entry(doc.to_owned())
            .or_default()
    }

    fn offer(&mut self, device: usize, doc: &str) -> Vec<(usize, ServerFrame)> {
        let mut state = self.state(device, doc).clone();
        let current = self.docs.entry(doc.to_owned()).or_default();
        let message = server::next_message(current, &mut state);
        *self.state(device, doc) = state;
        message
            .map(|message| {
                (
                    device,
                    ServerFrame::Sync {
                        doc: doc.to_owned(),
                        message,
                    },
                )
            })
            .into_iter()
            .collect()
    }
}

/// A device: its documents, its session and the two directions of its link.
struct Device {
    actor: ActorId,
    docs: BTreeMap<DocId, AutoCommit>,
    session: ClientSession,
    online: bool,
    up: VecDeque<Vec<u8>>,
    down: VecDeque<Vec<u8>>,
}

impl Device {
    fn new(index: usize) -> Self {
        Self {
            actor: ActorId::from(format!("device-{index}").as_bytes()),
            docs: BTreeMap::new(),
            session: ClientSession::new(0, []),
            online: false,
            up: VecDeque::new(),
            down: VecDeque::new(),
        }
    }

    fn run(&mut self, actions: Vec<Action>) {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Send(frame) => {
                    if self.online {
                        self.up
                            .push_back(protocol::encode(&frame).expect("encodes"));
                    }
                }
                Action::Doc { doc, work } => {
                    if !self.docs.contains_key(&doc) && !work.may_create() {
                        continue;
                    }
                    let actor = self.actor.clone();
                    let replica = self
                        .docs
                        .entry(doc.clone())
                        .or_insert_with(|| AutoCommit::new().with_actor(actor));
                    let step = self
                        .session
                        .work_on(&doc, replica, work)
                        .expect("server frames apply");
                    queue.extend(step.actions);
                }
                Action::Rejected { reason, .. } => panic!("a valid change was refused: {reason}"),
                Action::Failed { message, .. } => panic!("the connection failed: {message}"),
                Action::SignedIn { .. }
                | Action::Access { .. }
                | Action::OutboxChanged
                | Action::CursorAdvanced(_) => {}
            }
        }
    }

    fn edit(&mut self, doc: &str, edit: impl FnOnce(&mut EntryDoc)) {
        let replica = self.docs.get_mut(doc).expect("the device has it");
        let mut entry = EntryDoc::from_synced(replica.clone()).expect("reads");
        edit(&mut entry);
        *replica = entry.automerge_mut().clone();
        let actions = self.session.local_change(doc);
        self.run(actions);
    }

    fn readable(&self) -> Vec<DocId> {
        self.docs
            .iter()
            .filter(|(_, doc)| EntryDoc::from_synced((*doc).clone()).is_ok())
            .map(|(id, _)| id.clone())
            .collect()
    }
}

struct World {
    server: Server,
    devices: Vec<Device>,
    created: usize,
    typed: Vec<String>,
}

impl World {
    fn step(&mut self, step: Step) {
        match step {
            Step::Create { device } => {
                self.created += 1;
                let id = format!("entry-{}", self.created);
                let new = CaptureDraft {
                    kind: Some(ActivityKind::WardRound),
                    title: "Led the ward round".into(),
                    ..CaptureDraft::default()
                }
                .validate(now().today)
                .expect("valid");
                let device = &mut self.devices[device];
                let mut entry =
                    EntryDoc::create(&id, &new, now(), device.actor.clone()).expect("created");
                device
                    .docs
                    .insert(id.clone(), entry.automerge_mut().clone());
                let actions = device.session.local_change(&id);
                device.run(actions);
            }
            Step::Type { device, pick, word } => {
                let device = &mut self.devices[device];
                let readable = device.readable();
                if readable.is_empty() {
                    return;
                }
                let doc = &readable[pick % readable.len()];
                let typed = word.clone();
                device.edit(doc, |entry| {
                    let text = entry
                        .read()
                        .expect("reads")
                        .reflection
                        .get("what")
                        .cloned()
                        .unwrap_or_default();
                    entry
                        .apply(
                            &EntryEdit::Reflection {
                                section: "what".into(),
                                text: format!("{text} {typed}"),
                            },
                            now(),
                        )
                        .expect("applies");
                });
                self.typed.push(word);
            }
            Step::Deliver { device, up } => self.deliver(device, up),
            Step::Drop { device } => {
                let link = &mut self.devices[device];
                link.online = false;
                link.up.clear();
                link.down.clear();
                link.session.disconnected();
                self.server.connections.remove(&device);
            }
            Step::Connect { device } => {
                let link = &mut self.devices[device];
                if !link.online {
                    link.online = true;
                    let actions = link.session.connect("token", &format!("device-{device}"));
                    link.run(actions);
                }
            }
        }
    }

    fn deliver(&mut self, device: usize, up: bool) {
        if up {
            let Some(bytes) = self.devices[device].up.pop_front() else {
                return;
            };
            let frame: ClientFrame = protocol::decode(&bytes).expect("decodes");
            // Replies to one device go out together, as the server's connection sends
            // them: several become one deflated batch.
            let mut replies: Vec<Vec<ServerFrame>> = vec![Vec::new(); DEVICES];
            for (to, reply) in self.server.handle(device, frame) {
                replies[to].push(reply);
            }
            for (to, frames) in replies.into_iter().enumerate() {
                if self.devices[to].online {
                    for bytes in protocol::encode_server_frames(&frames) {
                        self.devices[to].down.push_back(bytes.expect("encodes"));
                    }
                }
            }
        } else {
            let link = &mut self.devices[device];
            let Some(bytes) = link.down.pop_front() else {
                return;
            };
            let frame: ServerFrame = protocol::decode(&bytes).expect("decodes");
            let actions = link.session.receive(frame);
            link.run(actions);
        }
    }

    /// Everyone reconnects and every frame is delivered, up to a generous bound.
    fn settle(&mut self) {
        for device in 0..DEVICES {
            self.step(Step::Connect { device });
        }
        for _ in 0..100_000 {
            let busy: Vec<(usize, bool)> = (0..DEVICES)
                .flat_map(|d| [(d, true), (d, false)])
                .filter(|&(d, up)| {
                    if up {
                        !self.devices[d].up.is_empty()
                    } else {
                        !self.devices[d].down.is_empty()
                    }
                })
                .collect();
            let Some(&(device, up)) = busy.first() else {
                return;
            };
            self.deliver(device, up);
        }
        panic!("the conversation did not end");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn devices_and_server_converge_whatever_the_network_does(steps in proptest::collection::vec(step(), 1..120)) {
        let mut world = World { server: Server::default(), devices: (0..DEVICES).map(Device::new).collect(), created: 0, typed: Vec::new() };
        for step in steps {
            world.step(step);
        }
        world.settle();
        let server_docs: Vec<DocId> = world.server.docs.keys().cloned().collect();
        for device in &mut world.devices {
            prop_assert!(device.session.outbox().is_empty(), "outbox left: {:?}", device.session.outbox());
            let device_docs: Vec<DocId> = device.docs.keys().cloned().collect();
            prop_assert_eq!(&device_docs, &server_docs);
            for (id, replica) in &mut device.docs {
                let stored = world.server.docs.get_mut(id).expect("on the server");
                prop_assert_eq!(replica.get_heads(), stored.get_heads());
            }
        }
        let mut all_text = String::new();
        for replica in world.devices[0].docs.values() {
            let entry = EntryDoc::from_synced(replica.clone()).expect("reads").read().expect("reads");
            all_text.push_str(entry.reflection.get("what").map(String::as_str).unwrap_or_default());
            all_text.push(' ');
        }
        for word in &world.typed {
            prop_assert!(all_text.contains(word.as_str()), "{} was lost", word);
        }
    }
}
