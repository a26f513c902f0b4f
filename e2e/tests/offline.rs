//! A trainee on a night shift with no signal: after one online visit the app starts,
//! captures and reflects with the server down, survives reloads (even mid-sentence),
//! and loses nothing when the server comes back.

use e2e::{check, Browser, Outcome, Server};

const SERVICE_WORKER_IN_CONTROL: &str =
    "navigator.serviceWorker && navigator.serviceWorker.controller";

#[tokio::test]
async fn capture_and_reflect_with_the_server_down() -> Outcome {
    let mut server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&server.url()).await?;
        check(
            browser
                .text_of("[data-screen=home] h1")
                .await?
                .contains("leadership"),
            "the home screen greets a new trainee",
        )?;
        browser
            .wait_until(
                SERVICE_WORKER_IN_CONTROL,
                "the service worker controls the page",
            )
            .await?;

        server.stop().await?;

        // Quick capture: three taps and a title.
        browser.click("a[href='/new']").await?;
        browser.choose("Leading handover").await?;
        browser.choose("Leadership").await?;
        browser.choose("Led").await?;
        browser
            .type_into("#title", "Led the night handover")
            .await?;
        browser.click("button[type=submit]").await?;
        let saved = browser.text_of("[data-screen=entry] .notice").await?;
        check(
            saved.contains("Saved on this device"),
            format!("the entry is saved: {saved:?}"),
        )?;

        browser
            .type_into(
                "#reflection-what",
                "Twelve patients, two unwell; I ran it from the list.",
            )
            .await?;
        browser
            .wait_until(
                "document.querySelector('[data-testid=status]').textContent.includes('Saved')",
                "the reflection is saved on the device",
            )
            .await?;

        // With the server still down, a reload starts the app from the service worker.
        browser
            .client()
            .goto(&format!("{}entries", server.url()))
            .await?;
        browser.wait_for_app().await?;
        let listed = browser.text_of("[data-testid=entry-list]").await?;
        check(
            listed.contains("Led the night handover"),
            format!("the list shows the entry: {listed:?}"),
        )?;
        // The list came from the read index.html starts while the app loads, and the
        // app took it rather than reading again.
        check(
            browser
                .eval("return performance.getEntriesByName('waymark:summaries-preloaded').length === 1 && window.waymarkSummaries === undefined")
                .await?
                == serde_json::json!(true),
            "the app used the summaries index.html read early",
        )?;

        // Type and reload mid-sentence, without waiting for anything.
        browser.click("[data-testid=entry-list] a").await?;
        browser
            .type_into("#reflection-so_what", "Next time I will sta")
            .await?;
        browser.reload().await?;
        let kept = browser.value_of("#reflection-so_what").await?;
        check(
            kept == "Next time I will sta",
            format!("the half sentence survives a reload: {kept:?}"),
        )?;
        let first = browser.value_of("#reflection-what").await?;
        check(
            first.starts_with("Twelve patients"),
            format!("the first section is there: {first:?}"),
        )?;

        // The server returns: nothing is lost, and the page still works online.
        server.restart().await?;
        browser.reload().await?;
        check(
            browser.value_of("#reflection-so_what").await? == "Next time I will sta",
            "the reflection is intact after the server returns",
        )?;
        Ok(())
    }
    .await;
    browser.finish("capture_and_reflect_offline", outcome).await
}

#[tokio::test]
async fn a_new_trainee_sees_what_to_log_first_and_fields_are_checked() -> Outcome {
    let server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser
            .open_app(&format!("{}entries", server.url()))
            .await?;
        let empty = browser.text_of("[data-testid=empty-state]").await?;
        check(
            empty.contains("handover"),
            format!("the empty state suggests moments: {empty:?}"),
        )?;

        browser.click("a[href='/new']").await?;
        browser.click("button[type=submit]").await?;
        let kind = browser.text_of("#kind-error").await?;
        check(
            kind.contains("choose what kind"),
            format!("the missing kind is named: {kind:?}"),
        )?;
        let title = browser.text_of("#title-error").await?;
        check(
            title.contains("title"),
            format!("the missing title is named: {title:?}"),
        )?;

        // The privacy check warns about a valid NHS number, and explains why.
        browser
            .type_into("#notes", "Patient 943 476 5919 on the board")
            .await?;
        let warning = browser.text_of("[data-testid=privacy-notice]").await?;
        check(
            warning.contains("NHS number"),
            format!("the NHS number is flagged: {warning:?}"),
        )?;
        Ok(())
    }
    .await;
    browser.finish("empty_state_and_validation", outcome).await
}
