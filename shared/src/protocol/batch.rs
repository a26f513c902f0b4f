//! Several server frames sent as one. A device back from a while away gets hundreds of
//! small `Changes` frames that share actor ids, field names and words; deflated
//! together they take a fraction of the bytes (BENCHMARKS.md, S1 and S2).

use super::{body_of, encode, framed, FrameError, ServerFrame, MAX_FRAME_BYTES};
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use std::io::{Read, Write};
use std::ops::Range;

/// Bytes of frames gathered into one batch before deflating. Far below
/// [`MAX_FRAME_BYTES`], so a batch the server made always inflates within the limit.
pub const BATCH_BYTES: usize = 1024 * 1024;

/// Encodes frames queued together for the wire: a lone frame as itself, several as
/// [`ServerFrame::Batch`] frames of up to [`BATCH_BYTES`] each before deflating. A
/// frame that cannot be encoded is an error in its own place; the others still go.
/// Each frame is serialized once, whether it goes alone or in a batch.
pub fn encode_server_frames(frames: &[ServerFrame]) -> Vec<Result<Vec<u8>, FrameError>> {
    let bodies: Vec<Result<Vec<u8>, FrameError>> = frames.iter().map(body_of).collect();
    chunks(&bodies)
        .into_iter()
        .map(|range| match &bodies[range] {
            [body] => body
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|body| framed(body)),
            several => {
                deflate(several).and_then(|deflated| encode(&ServerFrame::Batch { deflated }))
            }
        })
        .collect()
}

/// The frames inside a [`ServerFrame::Batch`], in order. Refuses a batch that inflates
/// past [`MAX_FRAME_BYTES`], holds another batch, or is damaged, saying which.
pub fn unpack_batch(deflated: &[u8]) -> Result<Vec<ServerFrame>, FrameError> {
    let mut body = Vec::new();
    DeflateDecoder::new(deflated)
        .take(MAX_FRAME_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|error| FrameError::Malformed(format!("the batch cannot be inflated: {error}")))?;
    if body.len() > MAX_FRAME_BYTES {
        return Err(FrameError::BatchTooLarge {
            limit: MAX_FRAME_BYTES,
        });
    }
    let (frames, rest) = postcard::take_from_bytes::<Vec<ServerFrame>>(&body)
        .map_err(|error| FrameError::Malformed(format!("the batch cannot be read: {error}")))?;
    if !rest.is_empty() {
        return Err(FrameError::Malformed(format!(
            "{} bytes follow the batch's frames",
            rest.len()
        )));
    }
    if frames
        .iter()
        .any(|frame| matches!(frame, ServerFrame::Batch { .. }))
    {
        return Err(FrameError::Malformed("a batch holds another batch".into()));
    }
    Ok(frames)
}

/// Splits frame bodies into runs of at most [`BATCH_BYTES`]. A body that is bigger,
/// or a frame that could not be serialized, stands alone (and says why when sent).
fn chunks(bodies: &[Result<Vec<u8>, FrameError>]) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut size: usize = 0;
    for (index, body) in bodies.iter().enumerate() {
        let body_size = body.as_ref().map_or(usize::MAX, Vec::len);
        if index > start && size.saturating_add(body_size) > BATCH_BYTES {
            chunks.push(start..index);
            start = index;
            size = 0;
        }
        size = size.saturating_add(body_size);
    }
    if start < bodies.len() {
        chunks.push(start..bodies.len());
    }
    chunks
}

/// Several serialized frames as one postcard sequence (the length, then the frames
/// one after another, which is how postcard writes a `Vec<ServerFrame>`), deflated.
/// Only ever called with bodies that all serialized: a failed one stands alone.
fn deflate(bodies: &[Result<Vec<u8>, FrameError>]) -> Result<Vec<u8>, FrameError> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    let deflating = |error: std::io::Error| {
        FrameError::Malformed(format!("the batch cannot be deflated: {error}"))
    };
    encoder
        .write_all(&body_of(&bodies.len())?)
        .map_err(deflating)?;
    for body in bodies {
        encoder
            .write_all(body.as_ref().map_err(Clone::clone)?)
            .map_err(deflating)?;
    }
    encoder.finish().map_err(deflating)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode, ErrorCode};

    fn changes(index: usize, size: usize) -> ServerFrame {
        ServerFrame::Changes {
            doc: format!("00000000-0000-4000-8000-{index:012}"),
            changes: {
                let line = format!("led the handover on ward {index} ");
                line.repeat(size / line.len() + 1).into_bytes()
            },
            heads: vec![vec![7; 32]],
        }
    }

    fn decode_all(wire: Vec<Result<Vec<u8>, FrameError>>) -> Vec<ServerFrame> {
        wire.into_iter()
            .flat_map(
                |bytes| match decode(&bytes.expect("encodes")).expect("decodes") {
                    ServerFrame::Batch { deflated } => unpack_batch(&deflated).expect("unpacks"),
                    frame => vec![frame],
                },
            )
            .collect()
    }

    #[test]
    fn frames_sent_together_arrive_in_order_in_fewer_bytes() {
        let frames: Vec<ServerFrame> = (0..300).map(|index| changes(index, 300)).collect();
        let wire = encode_server_frames(&frames);
        assert_eq!(wire.len(), 1, "300 small frames make one batch");
        let sent: usize = wire
            .iter()
            .map(|bytes| bytes.as_ref().map_or(0, Vec::len))
            .sum();
        let plain: usize = frames
            .iter()
            .map(|frame| encode(frame).expect("encodes").len())
            .sum();
        assert!(
            sent * 4 < plain,
            "{sent} bytes batched against {plain} one by one"
        );
        assert_eq!(decode_all(wire), frames);
    }

    #[test]
    fn a_lone_frame_is_sent_as_itself() {
        let frame = changes(1, 100);
        let wire = encode_server_frames(std::slice::from_ref(&frame));
        assert_eq!(wire, vec![encode(&frame)]);
        assert_eq!(decode_all(wire), vec![frame]);
    }

    #[test]
    fn batches_stay_under_their_size_and_a_big_frame_goes_alone() {
        let mut frames: Vec<ServerFrame> = (0..40).map(|index| changes(index, 60_000)).collect();
        frames.insert(20, changes(99, BATCH_BYTES + 10));
        let wire = encode_server_frames(&frames);
        assert!(wire.len() >= 4, "{} messages", wire.len());
        let alone = encode(&frames[20]).expect("encodes");
        assert!(wire.iter().any(|bytes| bytes.as_ref() == Ok(&alone)));
        assert_eq!(decode_all(wire), frames);
    }

    fn batch_of(body: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(body).expect("writes");
        encoder.finish().expect("deflates")
    }

    #[test]
    fn a_batch_that_inflates_past_the_limit_is_refused() {
        let bomb = batch_of(&vec![0; MAX_FRAME_BYTES + 1]);
        assert!(
            bomb.len() < 10_000,
            "deflated zeros are small: {}",
            bomb.len()
        );
        let error = unpack_batch(&bomb).expect_err("too large");
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert!(
            error.to_string().contains("inflates to more than"),
            "{error}"
        );
    }

    #[test]
    fn damaged_nested_and_trailing_batches_are_named() {
        assert!(matches!(
            unpack_batch(&[0xff; 16]),
            Err(FrameError::Malformed(message)) if message.contains("inflated")
        ));

        let inner = ServerFrame::Batch { deflated: vec![] };
        let nested = batch_of(&postcard::to_allocvec(&vec![inner]).expect("encodes"));
        assert!(matches!(
            unpack_batch(&nested),
            Err(FrameError::Malformed(message)) if message.contains("another batch")
        ));

        let mut body = postcard::to_allocvec(&vec![changes(1, 10)]).expect("encodes");
        body.push(0);
        assert!(matches!(
            unpack_batch(&batch_of(&body)),
            Err(FrameError::Malformed(message)) if message.contains("follow")
        ));
    }
}
