//! Steps several browser scenarios share: making an account in the app, waiting
//! until it has synced, logging a moment, and waiting for text to appear.

use crate::{Browser, Outcome};

/// Makes an account from the sync status in the header and waits until synced.
pub async fn create_account(browser: &Browser, name: &str, email: &str) -> Outcome {
    browser.click("[data-testid=sync-status]").await?;
    fill_new_account(browser, name, email).await
}

/// On the sign-in screen, switches to making an account, makes it and waits until
/// synced.
pub async fn fill_new_account(browser: &Browser, name: &str, email: &str) -> Outcome {
    browser.click("button.link").await?;
    browser.type_into("#account-name", name).await?;
    browser.type_into("#account-email", email).await?;
    browser
        .type_into("#account-password", "a long enough password")
        .await?;
    browser.click("form button[type=submit]").await?;
    wait_synced(browser).await
}

/// Logs a moment of `kind` titled `title` and waits for the entry screen to say
/// it is saved.
pub async fn capture(browser: &Browser, kind: &str, title: &str) -> Outcome {
    browser.click("a[href='/new']").await?;
    browser.choose(kind).await?;
    browser.type_into("#title", title).await?;
    browser.click("button[type=submit]").await?;
    browser.text_of("[data-screen=entry] .notice").await?;
    Ok(())
}

/// Waits until the header says everything is synced.
pub async fn wait_synced(browser: &Browser) -> Outcome {
    browser
        .wait_until(
            "document.querySelector('[data-testid=sync-status]').dataset.sync === 'synced'",
            "the header to say everything is synced",
        )
        .await
}

/// Waits until the element matching `css` contains `text`; `what` names the wait.
pub async fn text_contains(browser: &Browser, css: &str, text: &str, what: &str) -> Outcome {
    browser
        .wait_until(
            &format!("(document.querySelector({css:?}) || {{}}).textContent?.includes({text:?})"),
            what,
        )
        .await
}
