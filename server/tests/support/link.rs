//! A hand-driven sync client: frames in, frames out, nothing checked on its side, so
//! tests can send exactly what a broken or malicious device would.

use super::TestServer;
use futures_util::{SinkExt, StreamExt};
use shared::day::Day;
use shared::entry::{CaptureDraft, EntryDoc, Now};
use shared::protocol::{self, ClientFrame, ServerFrame, PROTOCOL_VERSION};
use shared::vocabulary::ActivityKind;
use shared::ActorId;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket to the server that speaks frames.
pub struct Link(pub Socket);

impl Link {
    pub async fn open(server: &TestServer) -> Self {
        let url = format!("{}/api/sync", server.url.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connects");
        Self(socket)
    }

    /// Sends frames in one flight.
    pub async fn send(&mut self, frames: &[ClientFrame]) {
        for frame in frames {
            let bytes = protocol::encode(frame).expect("encodes");
            self.0
                .feed(Message::Binary(bytes.into()))
                .await
                .expect("sends");
        }
        self.0.flush().await.expect("flushes");
    }

    /// Frames until `last` matches (bounded: a silent server fails the test).
    pub async fn until(&mut self, last: impl Fn(&ServerFrame) -> bool) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        for _ in 0..1_000 {
            let message = tokio::time::timeout(Duration::from_secs(20), self.0.next())
                .await
                .expect("the server answers within 20 s")
                .expect("the connection stays open")
                .expect("a message");
            if let Message::Binary(bytes) = message {
                let frame: ServerFrame = protocol::decode(&bytes).expect("decodes");
                let done = last(&frame);
                frames.push(frame);
                if done {
                    return frames;
                }
            }
        }
        panic!("no matching frame among 1,000");
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
