//! Accessibility and phone fit on every screen (issue 3): each control has a name a
//! screen reader can say, each tap target is at least 44 px, keyboard focus is
//! visible, a field typed into with the on-screen keyboard up is not hidden behind
//! the header or the tab bar, and the colours follow the system's dark mode.

use e2e::flows::capture;
use e2e::{check, Browser, DevTools, Failure, Outcome, Server};
use fantoccini::key::Key;
use serde_json::{json, Value};

/// Screens to audit: the address after the server's URL, and what shows it is ready.
const SCREENS: &[(&str, &str)] = &[
    ("", "[data-screen=home]"),
    ("new", "[data-screen=capture]"),
    ("entries", "[data-screen=entries]"),
    ("profile", "[data-screen=profile]"),
    ("account", "[data-screen=account]"),
    ("supervision", "[data-screen=supervision]"),
    (
        "supervision/accept/K7QM-3XPA",
        "[data-screen=accept-invite]",
    ),
];

/// Lists visible controls whose tap target is under 44 px either way. A checkbox or
/// radio is tapped through its label; a link inside a sentence is exempt, as WCAG
/// 2.5.5 allows.
const SMALL_TARGETS: &str = r#"
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '')
  + ' "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
const shown = el => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('.visually-hidden');
};
const controls = [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary')].filter(shown);
const small = [];
for (const el of controls) {
  const target = (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) || el;
  const box = target.getBoundingClientRect();
  const inSentence = el.matches('a') && getComputedStyle(el).display === 'inline' && el.closest('p');
  if (!inSentence && (box.width < 43.5 || box.height < 43.5)) {
    small.push(`${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)} px`);
  }
}
return small;
"#;

/// True when the focused element, or the label around a focused checkbox or radio,
/// draws a focus ring of at least 2 px.
const FOCUS_RING_SHOWN: &str = r#"
const ring = el => {
  const style = getComputedStyle(el);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
};
const el = document.activeElement;
return el !== document.body && (ring(el) || (!!el.closest('label') && ring(el.closest('label'))));
"#;

/// The contrast ratio of the page's text on its background, and the background's
/// relative luminance (WCAG 2 formulas).
const PAGE_COLOURS: &str = r#"
const channels = css => css.match(/[\d.]+/g).slice(0, 3).map(Number);
const luminance = css => {
  const [r, g, b] = channels(css).map(c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const style = getComputedStyle(document.body);
const [text, background] = [luminance(style.color), luminance(style.backgroundColor)];
return {
  contrast: (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05),
  background,
};
"#;

/// Roles a person acts on, which must each have a name.
const ACTIONABLE_ROLES: &[&str] = &[
    "button",
    "link",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "switch",
    "slider",
];

/// Controls Chrome's accessibility tree gives no name, described by their markup.
async fn unnamed_controls(browser: &Browser) -> Result<Vec<String>, Failure> {
    let tree = browser
        .client()
        .issue_cmd(DevTools::new("Accessibility.getFullAXTree", json!({})))
        .await?;
    let mut unnamed = Vec::new();
    for node in tree["nodes"].as_array().into_iter().flatten() {
        let role = node["role"]["value"].as_str().unwrap_or_default();
        let name = node["name"]["value"].as_str().unwrap_or_default();
        if node["ignored"] == json!(true)
            || !ACTIONABLE_ROLES.contains(&role)
            || !name.trim().is_empty()
        {
            continue;
        }
        let markup = browser
            .client()
            .issue_cmd(DevTools::new(
                "DOM.describeNode",
                json!({ "backendNodeId": node["backendDOMNodeId"] }),
            ))
            .await?;
        unnamed.push(format!(
            "a {role} with no name: {}",
            markup["node"]["attributes"]
        ));
    }
    Ok(unnamed)
}

/// Everything wrong with the screen on show: unnamed controls and small targets.
async fn audit(browser: &Browser, screen: &str) -> Outcome {
    let mut problems = unnamed_controls(browser).await?;
    let small = browser.eval(SMALL_TARGETS).await?;
    problems.extend(
        small
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|problem| format!("tap target {problem}")),
    );
    check(
        problems.is_empty(),
        format!("the {screen} screen: {}", problems.join("; ")),
    )
}

/// The page's colours with the system set to `scheme` (`light` or `dark`).
async fn colours_in(browser: &Browser, scheme: &str) -> Result<(f64, f64), Failure> {
    browser
        .client()
        .issue_cmd(DevTools::new(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        ))
        .await?;
    let colours = browser.eval(PAGE_COLOURS).await?;
    Ok((
        colours["contrast"].as_f64().unwrap_or_default(),
        colours["background"].as_f64().unwrap_or(-1.0),
    ))
}

#[tokio::test]
async fn every_screen_names_its_controls_fits_a_thumb_and_follows_the_system_theme() -> Outcome {
    let server = Server::start().await?;
    let browser = Browser::launch().await?;
    let outcome = async {
        browser.open_app(&server.url()).await?;
        capture(&browser, "Leading a ward round", "Led the morning handover").await?;
        // A tag, so its chip and remove button are audited too.
        browser.type_into("#tag", "nights").await?;
        browser.click("#tag + button").await?;
        browser.find(".chip-remove").await?;
        audit(&browser, "entry").await?;

        for (path, ready) in SCREENS {
            browser.open_app(&format!("{}{path}", server.url())).await?;
            browser.find(ready).await?;
            if *path == "entries" {
                // The filters are folded away until asked for; audit them open.
                browser.click(".filters > summary").await?;
                browser.find(".filter-grid").await?;
            }
            audit(&browser, if path.is_empty() { "home" } else { path }).await?;
        }

        // Keyboard focus is visible on every stop of the capture form.
        browser.open_app(&format!("{}new", server.url())).await?;
        browser.find("#title").await?;
        for stop in 1..=12 {
            browser.client().active_element().await?.send_keys(&Key::Tab.to_string()).await?;
            let shown = browser.eval(FOCUS_RING_SHOWN).await?;
            let focused = browser
                .eval("return document.activeElement.outerHTML.slice(0, 120);")
                .await?;
            check(
                shown == json!(true),
                format!("tab stop {stop} shows where focus is: {focused}"),
            )?;
        }

        // With the on-screen keyboard up the page is about 400 px tall; a field
        // typed into still shows, clear of the sticky header and the tab bar.
        browser
            .client()
            .issue_cmd(DevTools::new(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 360, "height": 400, "deviceScaleFactor": 2, "mobile": true }),
            ))
            .await?;
        // Each field is focused from the far end of the page, so the browser has to
        // scroll it past the header (title) or the tab bar (notes).
        for (field, from) in [("#title", "document.body.scrollHeight"), ("#notes", "0")] {
            let clear = browser
                .eval(&format!(
                    "window.scrollTo(0, {from});
                     const el = document.querySelector({field:?}); el.focus();
                     const box = el.getBoundingClientRect();
                     const hit = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 20));
                     return el === hit || el.contains(hit);"
                ))
                .await?;
            check(clear == json!(true), format!("{field} is not hidden with the keyboard up"))?;
        }
        browser
            .client()
            .issue_cmd(DevTools::new("Emulation.clearDeviceMetricsOverride", json!({})))
            .await?;

        // Colours follow the system: dark background in dark mode, and readable text
        // (WCAG AA, 4.5:1) either way.
        let (light_contrast, light_background) = colours_in(&browser, "light").await?;
        let (dark_contrast, dark_background) = colours_in(&browser, "dark").await?;
        check(
            light_background > 0.8 && dark_background < 0.05,
            format!("the background follows the system theme (luminance light {light_background:.2}, dark {dark_background:.2})"),
        )?;
        check(
            light_contrast >= 4.5 && dark_contrast >= 4.5,
            format!("text is readable in both themes (contrast light {light_contrast:.1}:1, dark {dark_contrast:.1}:1)"),
        )
    }
    .await;
    browser.finish("phone_fit", outcome).await
}
