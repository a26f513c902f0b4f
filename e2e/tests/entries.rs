//! Working with entries in the browser: delete with undo, search, filters, and a new version
//! of the app offered without losing what was being typed.

use e2e::flows::capture;
use e2e::{app_dir, check, Browser, DevTools, Outcome, Server};
use std::path::Path;

#[tokio::test]
async fn delete_can_be_undone_and_search_narrows_the_list() -> Outcome {
    let server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&server.url()).await?;
        capture(&browser, "Leading handover", "Led the night handover").await?;
        capture(&browser, "Teaching", "Taught the F1s about sepsis").await?;

        browser.click("a[href='/entries']").await?;
        browser.type_into("#search", "sepsis").await?;
        browser
            .wait_until(
                "document.querySelectorAll('[data-testid=entry-list] li').length === 1",
                "search leaves one entry",
            )
            .await?;
        let listed = browser.text_of("[data-testid=entry-list]").await?;
        check(
            listed.contains("sepsis") && !listed.contains("handover"),
            format!("search finds the teaching entry: {listed:?}"),
        )?;

        browser.click("[data-testid=entry-list] a").await?;
        browser.click("button.danger").await?;
        let toast = browser.text_of(".toast").await?;
        check(
            toast.contains("Entry deleted"),
            format!("a toast offers undo: {toast:?}"),
        )?;
        browser
            .wait_until(
                "!document.body.textContent.includes('Taught the F1s')",
                "the deleted entry leaves the list",
            )
            .await?;
        browser.click(".toast button").await?;
        browser.find_text("Taught the F1s about sepsis").await?;

        // The filters are built when first opened, and narrow the list by activity.
        browser.click("a[href='/entries']").await?;
        browser.click("details.filters summary").await?;
        browser
            .click_xpath(
                "//select[@id='filter-kind']/option[normalize-space(.)='Leading handover']",
            )
            .await?;
        browser
            .wait_until(
                "document.querySelectorAll('[data-testid=entry-list] li').length === 1",
                "the activity filter leaves one entry",
            )
            .await?;
        let listed = browser.text_of("[data-testid=entry-list]").await?;
        check(
            listed.contains("handover") && !listed.contains("sepsis"),
            format!("the filter keeps the handover: {listed:?}"),
        )
    }
    .await;
    browser.finish("delete_undo_search", outcome).await
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_new_version_is_offered_and_the_draft_survives_the_reload() -> Outcome {
    let app = tempfile::tempdir()?;
    copy_dir(&app_dir(), app.path())?;
    let server = Server::start_serving(app.path()).await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&format!("{}new", server.url())).await?;
        browser
            .wait_until(
                "navigator.serviceWorker && navigator.serviceWorker.controller",
                "the service worker controls the page",
            )
            .await?;
        browser.type_into("#title", "Half-typed title").await?;

        // Deploy "a new version": any change to sw.js makes the browser install it.
        let worker = app.path().join("sw.js");
        let mut script = std::fs::read_to_string(&worker)?;
        script.push_str("\n// a new version\n");
        std::fs::write(&worker, script)?;
        std::fs::remove_file(app.path().join("sw.js.gz"))?;
        std::fs::remove_file(app.path().join("sw.js.br"))?;
        browser
            .eval("navigator.serviceWorker.getRegistration().then(r => r.update()); return null;")
            .await?;
        let banner = browser.text_of(".notice.update").await?;
        check(
            banner.contains("new version"),
            format!("the app offers the new version: {banner:?}"),
        )?;

        // Mark this page, so that the wait below ends only in a new one.
        browser
            .eval("window.oldVersion = true; return null;")
            .await?;
        browser.click_then_reload(".notice.update button").await?;
        browser
            .wait_until(
                "!window.oldVersion && !document.querySelector('.notice.update')",
                "the page reloads into the new version",
            )
            .await?;
        browser.wait_for_app().await?;
        let title = browser.value_of("#title").await?;
        check(
            title == "Half-typed title",
            format!("the draft survives the reload: {title:?}"),
        )
    }
    .await;
    browser.finish("new_version_offered", outcome).await
}

#[tokio::test]
async fn a_full_device_is_reported_plainly_and_the_text_stays_on_screen() -> Outcome {
    let server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&format!("{}new", server.url())).await?;
        // Shrink this origin's storage quota to almost nothing, as a full phone would.
        let origin = server.url().trim_end_matches('/').to_owned();
        browser
            .client()
            .issue_cmd(DevTools::new(
                "Storage.overrideQuotaForOrigin",
                serde_json::json!({ "origin": origin, "quotaSize": 1 }),
            ))
            .await?;
        browser.choose("Leading handover").await?;
        browser
            .type_into("#title", "Led handover on a full phone")
            .await?;
        browser.click("button[type=submit]").await?;
        let message = browser
            .text_of("[data-screen=capture] .notice.error")
            .await?;
        check(
            message.contains("full") && message.contains("still here"),
            format!("the trainee is told plainly: {message:?}"),
        )?;
        let title = browser.value_of("#title").await?;
        check(
            title == "Led handover on a full phone",
            format!("what was typed stays on screen: {title:?}"),
        )
    }
    .await;
    browser.finish("storage_full", outcome).await
}
