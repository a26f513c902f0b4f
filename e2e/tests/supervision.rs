//! A trainee and their educational supervisor, each in their own headless Chromium,
//! through the real server: the trainee invites, the supervisor accepts the link,
//! the trainee shares an entry; the supervisor, offline, comments, records an
//! entrustment level and signs it off; back online it reaches the trainee, who sees
//! it counted as new on the home screen. The trainee then ends the relationship and
//! the entry leaves the supervisor's inbox and device.
//!
//! A second pair: a mentor accepts a typed code, the trainee shares new entries by
//! default, the mentor comments, the trainee replies, and when the mentor signs out
//! the trainee's entry leaves their device.

use e2e::flows::{capture, create_account, fill_new_account, text_contains, wait_synced};
use e2e::{check, poll_until, Browser, DevTools, Failure, Outcome, Server};
use serde_json::json;

const TRAINEE: &str = "Dr Alex Morgan";
const SUPERVISOR: &str = "Dr Priya Shah";
const TITLE: &str = "Ran the board round on AMU";
const FEEDBACK: &str = "Clear plan for every patient. Next time, delegate the discharge letters.";

/// Cuts the browser off the network (as a phone in a basement would be) or brings it
/// back; the page hears the matching `offline` or `online` event.
async fn set_offline(browser: &Browser, offline: bool) -> Outcome {
    let conditions = json!({
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
    });
    browser
        .client()
        .issue_cmd(DevTools::new(
            "Network.emulateNetworkConditions",
            conditions,
        ))
        .await?;
    let event = if offline { "offline" } else { "online" };
    browser
        .eval(&format!("window.dispatchEvent(new Event('{event}'))"))
        .await?;
    Ok(())
}

/// How many of IndexedDB's records (documents and summaries) hold `id`.
async fn records_of(browser: &Browser, id: &str) -> Result<i64, Failure> {
    let script = "const [id, done] = arguments;
        const opening = indexedDB.open('waymark');
        opening.onerror = () => done(-1);
        opening.onsuccess = () => {
            const db = opening.result;
            const stores = ['docs', 'summaries'];
            const tx = db.transaction(stores);
            let found = 0, left = stores.length;
            for (const store of stores) {
                const counting = tx.objectStore(store).count(id);
                counting.onsuccess = () => { found += counting.result; if (--left === 0) { db.close(); done(found); } };
            }
        };";
    let found = browser
        .client()
        .execute_async(script, vec![json!(id)])
        .await?;
    found
        .as_i64()
        .ok_or_else(|| Failure::Check(format!("IndexedDB could not be read: {found}")))
}

/// Waits until IndexedDB holds `expected` records of `id` (bounded by `PATIENCE`).
async fn wait_for_records(browser: &Browser, id: &str, expected: i64, what: &str) -> Outcome {
    let what = format!("{what} ({expected} records)");
    poll_until(&what, || async {
        Ok(records_of(browser, id).await? == expected)
    })
    .await
}

/// The trainee, signed in, makes an invite for `relation` and reads its code.
async fn make_invite(trainee: &Browser, relation: &str) -> Result<String, Failure> {
    trainee.click("a[href='/supervision']").await?;
    trainee
        .find("#invite-relation")
        .await?
        .select_by_value(relation)
        .await?;
    trainee.click("#create-invite").await?;
    trainee.text_of("[data-testid=invite-code]").await
}

/// The id of the entry the browser has open.
async fn open_entry_id(browser: &Browser) -> Result<String, Failure> {
    let url = browser.client().current_url().await?;
    url.path()
        .strip_prefix("/entries/")
        .map(str::to_owned)
        .ok_or_else(|| Failure::Check(format!("not on an entry: {url}")))
}

#[tokio::test]
async fn supervisor_gives_feedback_offline_and_loses_access_when_it_ends() -> Outcome {
    let server = Server::start().await?;
    let trainee = Browser::launch().await?;
    let supervisor = Browser::launch().await?;
    let outcome = async {
        // The trainee invites an educational supervisor.
        trainee.open_app(&server.url()).await?;
        create_account(&trainee, TRAINEE, "alex.morgan@example.test").await?;
        let code = make_invite(&trainee, "educational_supervisor").await?;
        let link = trainee.value_of("#invite-link").await?;
        check(
            link == format!("{}supervision/accept/{code}", server.url()),
            format!("the invite shows its full link: {link:?} for {code:?}"),
        )?;

        // The supervisor, on their own phone and not yet signed up, opens the link: it
        // leads through making an account and straight back to the invite.
        supervisor.open_app(&link).await?;
        text_contains(&supervisor, "[data-testid=accept-signed-out]", "Sign in first", "a signed-out supervisor is asked to sign in").await?;
        supervisor.click("[data-testid=accept-signed-out] a").await?;
        fill_new_account(&supervisor, SUPERVISOR, "priya.shah@example.test").await?;
        check(
            supervisor.value_of("#accept-code").await? == code,
            "the link fills in the code",
        )?;
        supervisor.click("#accept-invite").await?;
        text_contains(&supervisor, "[data-testid=accepted]", TRAINEE, "the supervisor is told whom they supervise").await?;

        // The trainee logs a moment and shares it with the supervisor.
        capture(&trainee, "Leading a ward round", TITLE).await?;
        trainee.find("#reflection-what").await?;
        let entry_id = open_entry_id(&trainee).await?;
        text_contains(&trainee, "[data-testid=who-can-see]", "Only you", "a new entry is private").await?;
        trainee.click("[data-testid=shared-with] input[type=checkbox]").await?;
        text_contains(
            &trainee,
            "[data-testid=who-can-see]",
            &format!("You and {SUPERVISOR}"),
            "the entry says the supervisor can see it",
        )
        .await?;
        wait_synced(&trainee).await?;
        // Home, before feedback arrives: an open entry would mark it read at once.
        trainee.click("a[href='/']").await?;

        // It reaches the supervisor's inbox, awaiting feedback.
        supervisor.click("a[href='/inbox']").await?;
        text_contains(&supervisor, "[data-testid=inbox-awaiting]", TITLE, "the shared entry is in the inbox").await?;
        text_contains(&supervisor, "[data-screen=inbox]", TRAINEE, "the inbox names the trainee").await?;
        supervisor.click("[data-testid=inbox-awaiting] a").await?;
        text_contains(&supervisor, "[data-testid=shared-by]", TRAINEE, "the entry says whose it is").await?;
        check(
            supervisor.eval("return document.querySelector('#title') === null").await? == json!(true),
            "someone else's entry is not editable",
        )?;

        // Offline, the supervisor comments, records entrustment 3 and signs off.
        set_offline(&supervisor, true).await?;
        supervisor
            .wait_until(
                "document.querySelector('[data-testid=sync-status]').dataset.sync === 'offline'",
                "the supervisor's header to say offline",
            )
            .await?;
        supervisor.type_into("#comment-body", FEEDBACK).await?;
        supervisor.find("#entrustment").await?.select_by_value("3").await?;
        supervisor.click("#sign-off").await?;
        supervisor.click(".comment-form button[type=submit]").await?;
        text_contains(&supervisor, "[data-testid=comment-saved]", "Saved on this device", "the feedback waits on the device").await?;
        text_contains(&supervisor, "[data-testid=comment]", FEEDBACK, "the thread shows the feedback").await?;

        // Back online, it is sent and reaches the trainee.
        set_offline(&supervisor, false).await?;
        wait_synced(&supervisor).await?;
        text_contains(&supervisor, "[data-testid=comment-saved]", "Sent", "the feedback is sent").await?;
        text_contains(&trainee, "[data-testid=new-feedback]", "1 new comment", "the trainee's home counts the new feedback").await?;
        trainee.click("[data-testid=new-feedback]").await?;
        text_contains(&trainee, "[data-testid=entry-list]", "New feedback", "the list marks the entry").await?;
        trainee.click("[data-testid=entry-list] a").await?;
        text_contains(&trainee, "[data-testid=comment]", FEEDBACK, "the trainee reads the comment").await?;
        text_contains(&trainee, "[data-testid=entrustment]", "3 — Act with indirect supervision", "the entrustment level shows").await?;
        text_contains(&trainee, "[data-testid=signed-off]", &format!("Signed off by {SUPERVISOR}"), "the sign-off shows").await?;
        trainee.click("a[href='/']").await?;
        trainee
            .wait_until(
                "document.querySelector('[data-testid=new-feedback]') === null",
                "the home count to clear once the feedback is read",
            )
            .await?;

        // The trainee ends the relationship; the supervisor's open entry and inbox
        // lose it, and nothing of it stays on their device.
        supervisor.click("a[href='/inbox']").await?;
        supervisor.click("[data-testid=inbox-reviewed] a").await?;
        trainee.click("a[href='/supervision']").await?;
        trainee.click("[data-testid=supervisors] [data-testid=end]").await?;
        trainee.click("[data-testid=confirm-end]").await?;
        trainee.find("[data-testid=no-supervisors]").await?;
        text_contains(&supervisor, "[data-testid=no-longer-shared]", "no longer shared with you", "the open entry goes").await?;
        supervisor.click("a[href='/inbox']").await?;
        supervisor.find("[data-testid=inbox-empty]").await?;
        supervisor
            .wait_until(
                &format!(
                    "Object.keys(localStorage).every(key => !key.includes({entry_id:?}) && !localStorage.getItem(key).includes({entry_id:?}))"
                ),
                "nothing in the supervisor's localStorage names the entry",
            )
            .await?;
        let left = records_of(&supervisor, &entry_id).await?;
        check(left == 0, format!("the entry is gone from the supervisor's IndexedDB ({left} records left)"))?;
        check(records_of(&trainee, &entry_id).await? == 2, "the trainee still has their entry")?;
        Ok(())
    }
    .await;
    let outcome = supervisor.finish("supervision_supervisor", outcome).await;
    trainee.finish("supervision_trainee", outcome).await
}

#[tokio::test]
async fn new_entries_are_shared_by_default_replies_reach_the_mentor_and_signing_out_clears_them(
) -> Outcome {
    const MENTOR: &str = "Dr Jo Okafor";
    const COMMENT: &str = "How did the team take the new handover sheet?";
    const REPLY: &str = "Well: the night team asked to keep it.";
    let server = Server::start().await?;
    let trainee = Browser::launch().await?;
    let mentor = Browser::launch().await?;
    let outcome = async {
        trainee.open_app(&server.url()).await?;
        create_account(&trainee, TRAINEE, "alex.morgan@example.test").await?;
        let code = make_invite(&trainee, "mentor").await?;

        // The mentor types the code in, already signed in.
        mentor.open_app(&server.url()).await?;
        create_account(&mentor, MENTOR, "jo.okafor@example.test").await?;
        mentor.click("a[href='/supervision']").await?;
        mentor.type_into("#accept-code", &code.to_lowercase()).await?;
        mentor.click("#accept-invite").await?;
        text_contains(&mentor, "[data-testid=accepted]", TRAINEE, "the mentor is told whom they mentor").await?;

        // The trainee shares new entries with the mentor by default, then logs one.
        trainee.click("a[href='/supervision']").await?;
        trainee.click("[data-testid=supervisors] input[id^=share-new]").await?;
        trainee
            .wait_until(
                "(el => el && el.checked && !el.disabled)(document.querySelector('[data-testid=supervisors] input[id^=share-new]'))",
                "the server to keep 'share new entries'",
            )
            .await?;
        capture(&trainee, "Leading handover", TITLE).await?;
        trainee.find("#reflection-what").await?;
        let entry_id = open_entry_id(&trainee).await?;
        text_contains(&trainee, "[data-testid=who-can-see]", &format!("You and {MENTOR}"), "a new entry is shared by default").await?;
        wait_synced(&trainee).await?;

        // The mentor comments; the trainee reads it and replies.
        mentor.click("a[href='/inbox']").await?;
        mentor.click("[data-testid=inbox-awaiting] a").await?;
        mentor.type_into("#comment-body", COMMENT).await?;
        mentor.click(".comment-form button[type=submit]").await?;
        text_contains(&mentor, "[data-testid=comment-saved]", "Sent", "the comment is sent").await?;
        text_contains(&trainee, "[data-testid=comment]", COMMENT, "the comment reaches the trainee's open entry").await?;
        trainee.type_into("#comment-body", REPLY).await?;
        trainee.click(".comment-form button[type=submit]").await?;
        text_contains(&trainee, "[data-testid=comment-saved]", "Sent", "the reply is sent").await?;
        text_contains(&mentor, "[data-testid=feedback]", REPLY, "the reply reaches the mentor's open entry").await?;
        check(records_of(&mentor, &entry_id).await? == 2, "the mentor's device holds the shared entry")?;

        // Signing out takes the trainee's entry off the mentor's device, not the trainee's.
        mentor.click("[data-testid=sync-status]").await?;
        mentor.click_xpath("//button[normalize-space(.)='Sign out']").await?;
        wait_for_records(&mentor, &entry_id, 0, "the entry leaves the mentor's IndexedDB at sign-out").await?;
        mentor
            .wait_until(
                &format!("Object.keys(localStorage).every(key => !key.includes({entry_id:?}) && !localStorage.getItem(key).includes({entry_id:?}))"),
                "nothing in the mentor's localStorage names the entry",
            )
            .await?;
        check(records_of(&trainee, &entry_id).await? == 2, "the trainee still has their entry")
    }
    .await;
    let outcome = mentor.finish("mentor", outcome).await;
    trainee.finish("mentored_trainee", outcome).await
}
