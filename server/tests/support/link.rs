//! A hand-driven sync client: frames in, frames out, nothing checked on its side, so
//! tests can send exactly what a broken or malicious device would.

use super::TestServer;
use futures_util::{SinkExt, StreamExt};
use shared::day::Day;
use shared::entry::{CaptureDraft, EntryDoc, Now};
use shared::protocol::{self, ClientFrame, ServerFrame, PROTOCOL_VERSION};
use shared::vocabulary::ActivityKind;
use shared::ActorId;
use std::collections::VecDeque;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket to the server that speaks frames.
pub struct Link {
    socket: Socket,
    /// Frames of a batch that came after the one a test waited for.
    pending: VecDeque<ServerFrame>,
}

impl Link {
    pub async fn open(server: &TestServer) -> Self {
        let url = format!("{}/api/sync", server.url.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connects");
        Self {
            socket,
            pending: VecDeque::new(),
        }
    }

    /// Sends frames in one flight.
    pub async fn send(&mut self, frames: &[ClientFrame]) {
        for frame in frames {
            let bytes = protocol::encode(frame).expect("encodes");
            self.socket
                .feed(Message::Binary(bytes.into()))
                .await
                .expect("sends");
        }
        self.socket.flush().await.expect("flushes");
    }

    /// Frames until `last` matches (bounded: a silent server fails the test). The
    /// frames of a batch count one by one, in order.
    pub async fn until(&mut self, last: impl Fn(&ServerFrame) -> bool) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        for _ in 0..1_000 {
            let frame = self.next_frame().await;
            let done = last(&frame);
            frames.push(frame);
            if done {
                return frames;
            }
        }
        panic!("no matching frame among 1,000");
    }

    /// The next frame, unpacking batches (bounded, like `until`).
    async fn next_frame(&mut self) -> ServerFrame {
        for _ in 0..1_000 {
            if let Some(frame) = self.pending.pop_front() {
                return frame;
            }
            let message = tokio::time::timeout(Duration::from_secs(20), self.socket.next())
                .await
                .expect("the server answers within 20 s")
                .expect("the connection stays open")
                .expect("a message");
            if let Message::Binary(bytes) = message {
                match protocol::decode(&bytes).expect("decodes") {
                    ServerFrame::Batch { deflated } => self
                        .pending
                        .extend(protocol::unpack_batch(&deflated).expect("unpacks")),
                    frame => return frame,
                }
            }
        }
        panic!("no frame among 1,000 messages");
    }
}

pub fn hello(token: &str) -> ClientFrame {
    ClientFrame::Hello {
        protocol: PROTOCOL_VERSION,
        token: token.to_owned(),
        device: "test".into(),
    }
}

/// The moment every test entry is made.
pub fn now() -> Now {
    Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).expect("a day"),
    }
}

/// A new entry made on a device of its own.
pub fn entry(id: &str, title: &str) -> EntryDoc {
    let now = Now {
        millis: 1_795_000_000_000,
        today: Day::from_ymd(2026, 11, 22).expect("a day"),
    };
    let new = CaptureDraft {
        kind: Some(ActivityKind::MeetingChair),
        title: title.into(),
        ..CaptureDraft::default()
    }
    .validate(now.today)
    .expect("valid");
    let actor = ActorId::from(uuid::Uuid::new_v4().as_bytes().as_slice());
    EntryDoc::create(id, &new, now, actor).expect("created")
}
