//! A trainee's phone and laptop, each a headless Chromium with its own storage,
//! syncing through the real server: an entry made on the phone before signing in
//! reaches the laptop, and the same reflection edited on both while the server is
//! unreachable ends with both edits on both devices.

use e2e::flows::wait_synced;
use e2e::{check, Browser, Outcome, Server};

const REFLECTION: &str = "#reflection-what";

async fn sign_up_or_in(browser: &Browser, creating: bool) -> Outcome {
    browser.click("[data-testid=sync-status]").await?;
    if creating {
        browser.click("button.link").await?;
        browser.type_into("#account-name", "Dr Sam Patel").await?;
    }
    browser
        .type_into("#account-email", "sam.patel@example.test")
        .await?;
    browser
        .type_into("#account-password", "a long enough password")
        .await?;
    browser.click("form button[type=submit]").await?;
    wait_synced(browser).await
}

async fn open_entry(browser: &Browser, title: &str) -> Outcome {
    browser.click("a[href='/entries']").await?;
    browser.find_text(title).await?;
    browser.click("[data-testid=entry-list] a").await?;
    browser.find(REFLECTION).await?;
    Ok(())
}

/// The network is back: browsers say so with an `online` event, and the app
/// reconnects at once instead of waiting for its next retry.
async fn back_online(browser: &Browser) -> Outcome {
    browser
        .eval("window.dispatchEvent(new Event('online'))")
        .await?;
    Ok(())
}

#[tokio::test]
async fn phone_and_laptop_merge_edits_to_one_reflection() -> Outcome {
    let mut server = Server::start().await?;
    let phone = Browser::launch().await?;
    let laptop = Browser::launch().await?;
    let outcome = async {
        // The phone logs a moment before the trainee has an account.
        phone.open_app(&server.url()).await?;
        let status = phone.text_of("[data-testid=sync-status]").await?;
        check(status.contains("Sign in"), format!("signed out, the header offers sign-in: {status:?}"))?;
        phone.click("a[href='/new']").await?;
        phone.choose("Leading handover").await?;
        phone.type_into("#title", "Led the night handover").await?;
        phone.click("button[type=submit]").await?;
        phone.find(REFLECTION).await?;
        sign_up_or_in(&phone, true).await?;

        // The laptop signs in and finds it without doing anything else.
        laptop.open_app(&server.url()).await?;
        sign_up_or_in(&laptop, false).await?;
        open_entry(&laptop, "Led the night handover").await?;
        open_entry(&phone, "Led the night handover").await?;

        // The server becomes unreachable; both devices edit the same reflection.
        server.stop().await?;
        phone.type_into(REFLECTION, "Phone: the handover ran to time.").await?;
        laptop.type_into(REFLECTION, "Laptop: two sick patients were flagged early.").await?;
        phone
            .wait_until(
                "document.querySelector('[data-testid=sync-status]').textContent.includes('waiting')",
                "the phone to show its change waiting",
            )
            .await?;

        server.restart().await?;
        back_online(&phone).await?;
        back_online(&laptop).await?;
        for (device, name) in [(&phone, "phone"), (&laptop, "laptop")] {
            device
                .wait_until(
                    &format!(
                        "(() => {{ const t = document.querySelector('{REFLECTION}').value; \
                         return t.includes('Phone: the handover ran to time.') && t.includes('Laptop: two sick patients were flagged early.'); }})()"
                    ),
                    &format!("the {name} to show both edits"),
                )
                .await?;
            wait_synced(device).await?;
        }
        Ok(())
    }
    .await;
    let outcome = laptop.finish("sync_laptop", outcome).await;
    phone.finish("sync_phone", outcome).await
}
