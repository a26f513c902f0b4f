//! The walking skeleton in a real browser: the server serves the WebAssembly app, it
//! starts at a phone's size, routes, and shows its own not-found screen.

use e2e::{check, Browser, DevTools, Outcome, Server};

#[tokio::test]
async fn the_app_starts_and_routes_in_a_phone_sized_browser() -> Outcome {
    let server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&server.url()).await?;
        let heading = browser.text_of("[data-screen=home] h1").await?;
        check(
            heading.contains("leadership"),
            format!("the home screen shows its heading, got {heading:?}"),
        )?;
        let width: serde_json::Value = browser
            .client()
            .execute("return document.documentElement.clientWidth", vec![])
            .await?;
        check(
            width.as_u64() == Some(360),
            format!("the page is laid out at 360 px wide, got {width}"),
        )?;
        let overflow: serde_json::Value = browser
            .client()
            .execute(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth",
                vec![],
            )
            .await?;
        check(
            overflow == serde_json::Value::Bool(false),
            "nothing overflows sideways at 360 px",
        )?;

        // Chrome's own verdict on whether the app can be installed on a phone.
        browser
            .wait_until(
                "navigator.serviceWorker && navigator.serviceWorker.controller",
                "the service worker controls the page",
            )
            .await?;
        let verdict = browser
            .client()
            .issue_cmd(DevTools::new("Page.getInstallabilityErrors", serde_json::json!({})))
            .await?;
        let errors = &verdict["installabilityErrors"];
        check(
            errors.as_array().is_some_and(Vec::is_empty),
            format!("Chrome finds the app installable, but reports {errors}"),
        )?;

        browser
            .open_app(&format!("{}no/such/page", server.url()))
            .await?;
        let heading = browser.text_of("[data-screen=not-found] h1").await?;
        check(
            heading == "Page not found",
            format!("an unknown address shows the not-found screen, got {heading:?}"),
        )
    }
    .await;
    browser.finish("app_starts_and_routes", outcome).await
}
