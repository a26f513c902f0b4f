//! Accepting a code: single use, races, expiry, and the reasons a code is refused.

use super::support::databases;
use super::{accept, doctor, error_of, invite_code, list, relate, start};
use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_invite_works_once() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let first = doctor(&server, "Dr First").await;
        let third = doctor(&server, "Dr Third").await;
        let code = invite_code(&server, &trainee, "clinical_supervisor").await;
        assert_eq!(
            accept(&server, &first, &code).await.status(),
            StatusCode::CREATED
        );
        for who in [&first, &third] {
            let (status, code, message, field) = error_of(accept(&server, who, &code).await).await;
            assert_eq!(status, StatusCode::CONFLICT, "{}", who.name);
            assert_eq!(code, "invite_used");
            assert!(message.contains("already been used"), "{message}");
            assert_eq!(field, "code");
        }
        assert_eq!(list(&server, &third).await["trainees"], json!([]));
        assert_eq!(
            list(&server, &trainee).await["supervisors"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn two_supervisors_racing_for_one_code_cannot_both_win() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let one = doctor(&server, "Dr One").await;
        let two = doctor(&server, "Dr Two").await;
        let code = invite_code(&server, &trainee, "mentor").await;
        let (a, b) = tokio::join!(accept(&server, &one, &code), accept(&server, &two, &code));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
        assert_eq!(
            list(&server, &trainee).await["supervisors"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn an_expired_code_says_when_it_expired() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let supervisor = doctor(&server, "Dr Supervisor").await;
        let code = invite_code(&server, &trainee, "coach").await;
        // 1 March 2024, 12:00 UTC.
        sqlx::query("UPDATE invites SET expires_at = $1 WHERE trainee_id = $2")
            .bind(1_709_294_400_i64)
            .bind(&trainee.id)
            .execute(server.database().pool())
            .await
            .expect("expire the invite");
        let (status, code_name, message, field) =
            error_of(accept(&server, &supervisor, &code).await).await;
        assert_eq!(status, StatusCode::GONE);
        assert_eq!(code_name, "invite_expired");
        assert_eq!(
            message,
            "That invite expired on 1 March 2024; ask your trainee for a new one."
        );
        assert_eq!(field, "code");
        assert_eq!(list(&server, &trainee).await["pending_invites"], json!([]));
        server.shut_down().await;
    }
}

#[tokio::test]
async fn unknown_malformed_and_own_codes_are_refused_with_reasons() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let supervisor = doctor(&server, "Dr Supervisor").await;
        let code = invite_code(&server, &trainee, "mentor").await;

        let (status, name, message, field) = error_of(accept(&server, &trainee, &code).await).await;
        assert_eq!(
            (status, name.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "own_invite")
        );
        assert!(
            message.starts_with("You cannot supervise yourself."),
            "{message}"
        );
        assert_eq!(field, "code");

        // A valid-looking code that was never issued (all zeros is as likely as any).
        let (status, name, message, field) =
            error_of(accept(&server, &supervisor, "0000-0000").await).await;
        assert_eq!(
            (status, name.as_str()),
            (StatusCode::NOT_FOUND, "unknown_invite")
        );
        assert_eq!(
            message,
            "That code does not match any invite. Check it with your trainee."
        );
        assert_eq!(field, "code");

        for typed in ["", "ABC", "K7QM-3XPU"] {
            let (status, _, message, field) =
                error_of(accept(&server, &supervisor, typed).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{typed:?}");
            assert!(message.contains("8-character code"), "{message}");
            assert_eq!(field, "code");
        }
        // None of this used the invite up.
        assert_eq!(
            accept(&server, &supervisor, &code).await.status(),
            StatusCode::CREATED
        );
        server.shut_down().await;
    }
}

#[tokio::test]
async fn a_second_relationship_between_the_same_two_is_refused() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Ada Okafor").await;
        let supervisor = doctor(&server, "Dr Supervisor").await;
        relate(&server, &trainee, &supervisor, "educational_supervisor").await;
        let code = invite_code(&server, &trainee, "clinical_supervisor").await;
        let (status, name, message, field) =
            error_of(accept(&server, &supervisor, &code).await).await;
        assert_eq!(
            (status, name.as_str()),
            (StatusCode::CONFLICT, "already_related")
        );
        assert!(
            message.starts_with("You already supervise Dr Ada Okafor."),
            "{message}"
        );
        assert_eq!(field, "code");
        // The refused accept rolled back: the invite still waits for someone else.
        let mine = list(&server, &trainee).await;
        assert_eq!(mine["supervisors"].as_array().map(Vec::len), Some(1));
        assert_eq!(mine["pending_invites"].as_array().map(Vec::len), Some(1));
        // Supervising each other is allowed: the pair differs in direction.
        let reverse = relate(&server, &supervisor, &trainee, "mentor").await;
        assert_eq!(reverse["trainee"]["id"], supervisor.id.as_str());
        server.shut_down().await;
    }
}

#[tokio::test]
async fn wrong_codes_pause_accepting_for_that_account() {
    for (target, data) in databases() {
        let server = start(target, data).await;
        let trainee = doctor(&server, "Dr Trainee").await;
        let guesser = doctor(&server, "Dr Guesser").await;
        let colleague = doctor(&server, "Dr Colleague").await;
        let code = invite_code(&server, &trainee, "mentor").await;
        // A mistyped code is not a guess and does not count.
        let mistyped = accept(&server, &guesser, "ABC").await.status();
        assert_eq!(mistyped, StatusCode::UNPROCESSABLE_ENTITY);
        for guess in [
            "0000-0001",
            "0000-0002",
            "0000-0003",
            "0000-0004",
            "0000-0005",
        ] {
            let (status, name, _, _) = error_of(accept(&server, &guesser, guess).await).await;
            assert_eq!(
                (status, name.as_str()),
                (StatusCode::NOT_FOUND, "unknown_invite"),
                "{guess}"
            );
        }

        // Even the right code now waits, and the answer says for how long.
        let response = accept(&server, &guesser, &code).await;
        let retry_after: u64 = response.headers()[RETRY_AFTER]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(retry_after > 0 && retry_after <= 15 * 60, "{retry_after}");
        let (status, name, message, field) = error_of(response).await;
        assert_eq!(
            (status, name.as_str()),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        );
        assert!(
            message.contains("minutes before trying again") && message.contains("guessing"),
            "{message}"
        );
        assert_eq!(field, "code");

        // Another doctor on the same network is not held up by one account's guesses,
        // and the invite was not used up by the refused attempt.
        let accepted = accept(&server, &colleague, &code).await.status();
        assert_eq!(accepted, StatusCode::CREATED);
    }
}
