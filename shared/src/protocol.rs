//! The sync protocol's frames (DESIGN.md, "Sync protocol") and their wire codec.
//!
//! One WebSocket per device carries binary frames. Every frame starts with the
//! protocol version as two big-endian bytes, then the frame itself in postcard, a
//! compact serde format. Decoding checks the size, the version and the shape, and says
//! exactly which was wrong, so the server can answer a bad frame with a specific error
//! and keep the connection for the device's other documents.
//!
//! The state machines that speak these frames come with the sync engine (issue 4).

mod batch;

pub use batch::{encode_server_frames, unpack_batch, BATCH_BYTES};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The protocol version this code speaks. Version 2 added supervision (`Access`, and
/// other people's shared documents); version 3 added `Batch`. An older app is asked to
/// update.
pub const PROTOCOL_VERSION: u16 = 3;

/// The largest frame either side accepts, in bytes. A bigger change must be split
/// (Automerge's sync messages are per document and usually far smaller).
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;

/// A document's id (an entry's UUID, or `profile`).
pub type DocId = String;

/// A per-user sequence number: every change the server accepts for a user gets the
/// next one, so a device asks for "what changed since N".
pub type Cursor = u64;

/// What a device sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientFrame {
    /// The first frame: who is asking, on which device.
    Hello {
        protocol: u16,
        token: String,
        device: String,
    },
    /// Catch-up: what changed since `cursor`; `dirty` lists documents with local changes.
    Since { cursor: Cursor, dirty: Vec<DocId> },
    /// An Automerge sync message for one document.
    Sync { doc: DocId, message: Vec<u8> },
    /// Automerge changes to one document that the server may not have yet (a saved
    /// document, or the changes after the heads the server last confirmed): the
    /// one-flight way to send an edit. The server falls back to `Sync` if it lacks
    /// what they build on.
    Push { doc: DocId, changes: Vec<u8> },
}

/// Why the server refused a change; the reason travels beside it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectCode {
    /// The change breaks the document's rules (a field, a size, the layout).
    Invalid,
    /// The author may not change that part of that document.
    Forbidden,
    /// The bytes are not a valid Automerge message.
    Malformed,
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerFrame {
    /// The device is signed in; `cursor` is the user's latest sequence number.
    Welcome { user: String, cursor: Cursor },
    /// Documents the user may read that changed since the device's cursor.
    Changed { docs: Vec<DocId>, cursor: Cursor },
    /// An Automerge sync message for one document.
    Sync { doc: DocId, message: Vec<u8> },
    /// The device's changes to `doc` are durably stored up to `heads`.
    Saved { doc: DocId, heads: Vec<Vec<u8>> },
    /// A change to `doc` was refused and nothing of it was stored.
    Rejected {
        doc: DocId,
        code: RejectCode,
        reason: String,
    },
    /// A problem with the connection or a frame, not with one document.
    Error { code: ErrorCode, message: String },
    /// Stored Automerge changes to `doc` the device lacks (catch-up after its cursor,
    /// or another device's edit); `heads` are the server's heads once they are applied.
    Changes {
        doc: DocId,
        changes: Vec<u8>,
        heads: Vec<Vec<u8>>,
    },
    /// Documents of other people this user may now read (sent before their
    /// `Changes`), and documents they may no longer read, which the device must drop.
    Access {
        shared: Vec<SharedDoc>,
        withdrawn: Vec<DocId>,
    },
    /// Several frames the server had ready at once (a catch-up, say), as a postcard
    /// sequence deflated together (see [`encode_server_frames`], [`unpack_batch`]).
    Batch { deflated: Vec<u8> },
}

/// Someone else's document that is shared with the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedDoc {
    pub doc: DocId,
    /// The owner's user id.
    pub owner: String,
    /// The owner's name, for grouping an inbox by trainee.
    pub owner_name: String,
}

/// Connection-level problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The app is older or newer than the server: update it.
    UnsupportedVersion,
    /// The token is wrong or has expired: sign in again.
    Unauthorised,
    /// A frame could not be read.
    BadFrame,
    /// A frame was larger than [`MAX_FRAME_BYTES`].
    TooLarge,
    /// The server could not store or read just now; reconnect later, nothing is lost.
    Unavailable,
}

/// Why bytes are not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the frame is empty")]
    Empty,
    #[error("the frame is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("this app speaks sync protocol {supported} but the frame is version {found}: update the app")]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("the frame cannot be read: {0}")]
    Malformed(String),
    #[error("the batch inflates to more than {limit} bytes")]
    BatchTooLarge { limit: usize },
}

impl FrameError {
    /// The code a server answers this error with.
    pub fn code(&self) -> ErrorCode {
        match self {
            FrameError::TooLarge { .. } | FrameError::BatchTooLarge { .. } => ErrorCode::TooLarge,
            FrameError::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            FrameError::Empty | FrameError::Malformed(_) => ErrorCode::BadFrame,
        }
    }
}

/// Encodes a frame for the wire.
pub fn encode<F: Serialize>(frame: &F) -> Result<Vec<u8>, FrameError> {
    framed(&body_of(frame)?)
}

/// A frame's postcard body, without the version header.
fn body_of<F: Serialize>(frame: &F) -> Result<Vec<u8>, FrameError> {
    postcard::to_allocvec(frame).map_err(|e| FrameError::Malformed(e.to_string()))
}

/// The wire form of a frame's postcard body: the version header, then the body, if
/// the whole fits in [`MAX_FRAME_BYTES`].
fn framed(body: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut bytes = PROTOCOL_VERSION.to_be_bytes().to_vec();
    bytes.extend_from_slice(body);
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge {
            size: bytes.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    Ok(bytes)
}

/// Decodes a frame, checking size, version and shape in that order.
pub fn decode<F: DeserializeOwned>(bytes: &[u8]) -> Result<F, FrameError> {
    if bytes.is_empty() {
        return Err(FrameError::Empty);
    }
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge {
            size: bytes.len(),
            limit: MAX_FRAME_BYTES,
        });
    }
    let Some((version, body)) = bytes.split_first_chunk::<2>() else {
        return Err(FrameError::Malformed(
            "it is shorter than its header".into(),
        ));
    };
    let found = u16::from_be_bytes(*version);
    if found != PROTOCOL_VERSION {
        return Err(FrameError::UnsupportedVersion {
            found,
            supported: PROTOCOL_VERSION,
        });
    }
    let (frame, rest) =
        postcard::take_from_bytes(body).map_err(|e| FrameError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(FrameError::Malformed(format!(
            "{} bytes follow the frame",
            rest.len()
        )));
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn client_frame() -> impl Strategy<Value = ClientFrame> {
        prop_oneof![
            (any::<u16>(), ".{0,40}", "[a-f0-9-]{0,36}").prop_map(|(protocol, token, device)| {
                ClientFrame::Hello {
                    protocol,
                    token,
                    device,
                }
            }),
            (
                any::<u64>(),
                proptest::collection::vec("[a-z0-9-]{1,36}", 0..8)
            )
                .prop_map(|(cursor, dirty)| ClientFrame::Since { cursor, dirty }),
            (
                "[a-z0-9-]{1,36}",
                proptest::collection::vec(any::<u8>(), 0..512)
            )
                .prop_map(|(doc, message)| ClientFrame::Sync { doc, message }),
            (
                "[a-z0-9-]{1,36}",
                proptest::collection::vec(any::<u8>(), 0..512)
            )
                .prop_map(|(doc, changes)| ClientFrame::Push { doc, changes }),
        ]
    }

    fn server_frame() -> impl Strategy<Value = ServerFrame> {
        let code = prop_oneof![
            Just(RejectCode::Invalid),
            Just(RejectCode::Forbidden),
            Just(RejectCode::Malformed)
        ];
        prop_oneof![
            (".{0,20}", any::<u64>())
                .prop_map(|(user, cursor)| ServerFrame::Welcome { user, cursor }),
            (
                proptest::collection::vec("[a-z0-9-]{1,36}", 0..8),
                any::<u64>()
            )
                .prop_map(|(docs, cursor)| ServerFrame::Changed { docs, cursor }),
            (
                "[a-z0-9-]{1,36}",
                proptest::collection::vec(proptest::collection::vec(any::<u8>(), 32), 0..3)
            )
                .prop_map(|(doc, heads)| ServerFrame::Saved { doc, heads }),
            ("[a-z0-9-]{1,36}", code, ".{0,80}")
                .prop_map(|(doc, code, reason)| ServerFrame::Rejected { doc, code, reason }),
            (
                "[a-z0-9-]{1,36}",
                proptest::collection::vec(any::<u8>(), 0..512),
                proptest::collection::vec(proptest::collection::vec(any::<u8>(), 32), 0..3)
            )
                .prop_map(|(doc, changes, heads)| ServerFrame::Changes {
                    doc,
                    changes,
                    heads
                }),
            (
                proptest::collection::vec(("[a-z0-9-]{1,36}", ".{0,20}", ".{0,20}"), 0..4),
                proptest::collection::vec("[a-z0-9-]{1,36}", 0..4)
            )
                .prop_map(|(shared, withdrawn)| ServerFrame::Access {
                    shared: shared
                        .into_iter()
                        .map(|(doc, owner, owner_name)| SharedDoc {
                            doc,
                            owner,
                            owner_name
                        })
                        .collect(),
                    withdrawn
                }),
            (".{0,80}").prop_map(|message| ServerFrame::Error {
                code: ErrorCode::Unavailable,
                message
            }),
        ]
    }

    proptest! {
        #[test]
        fn client_frames_round_trip(frame in client_frame()) {
            let bytes = encode(&frame).expect("encodes");
            prop_assert_eq!(decode::<ClientFrame>(&bytes).expect("decodes"), frame);
        }

        #[test]
        fn server_frames_round_trip(frame in server_frame()) {
            let bytes = encode(&frame).expect("encodes");
            prop_assert_eq!(decode::<ServerFrame>(&bytes).expect("decodes"), frame);
        }

        #[test]
        fn arbitrary_bytes_decode_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Err(error) = decode::<ClientFrame>(&bytes) {
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }

    #[test]
    fn an_old_or_new_app_is_told_to_update() {
        let mut bytes = encode(&ClientFrame::Since {
            cursor: 3,
            dirty: vec![],
        })
        .expect("encodes");
        bytes[..2].copy_from_slice(&9_u16.to_be_bytes());
        let error = decode::<ClientFrame>(&bytes).expect_err("version 9");
        assert_eq!(error.code(), ErrorCode::UnsupportedVersion);
        assert!(error.to_string().contains("update the app"), "{error}");
    }

    #[test]
    fn empty_short_trailing_and_garbage_frames_are_named() {
        assert_eq!(decode::<ClientFrame>(&[]), Err(FrameError::Empty));
        assert!(matches!(
            decode::<ClientFrame>(&[0]),
            Err(FrameError::Malformed(_))
        ));
        let mut bytes = encode(&ClientFrame::Since {
            cursor: 1,
            dirty: vec![],
        })
        .expect("encodes");
        bytes.push(0);
        assert!(
            matches!(decode::<ClientFrame>(&bytes), Err(FrameError::Malformed(m)) if m.contains("follow"))
        );
        let [high, low] = PROTOCOL_VERSION.to_be_bytes();
        let garbage = [high, low, 0xff, 0xff, 0xff];
        assert_eq!(
            decode::<ClientFrame>(&garbage).map_err(|e| e.code()),
            Err(ErrorCode::BadFrame)
        );
    }

    #[test]
    fn oversized_frames_are_refused_both_ways() {
        let huge = ClientFrame::Sync {
            doc: "d".into(),
            message: vec![0; MAX_FRAME_BYTES],
        };
        assert!(matches!(encode(&huge), Err(FrameError::TooLarge { .. })));
        let bytes = vec![0; MAX_FRAME_BYTES + 1];
        assert_eq!(
            decode::<ClientFrame>(&bytes).map_err(|e| e.code()),
            Err(ErrorCode::TooLarge)
        );
    }
}
