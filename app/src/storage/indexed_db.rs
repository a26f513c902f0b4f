//! Document bytes in IndexedDB, on web-sys directly: four operations do not need a
//! wrapper crate, and this way a full disk is reported as a full disk (the wrappers
//! surveyed turn the abort reason into a bare "aborted").
//!
//! Database `waymark`, two object stores keyed by document id:
//! `docs` holds Automerge bytes; `summaries` holds each document's [`Entry`] as JSON so
//! the list shows at start-up without loading every document. Both are written in one
//! transaction, and a write counts only once the transaction has committed.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "waymark";
const VERSION: u32 = 1;
const DOCS: &str = "docs";
const SUMMARIES: &str = "summaries";

/// Why the device's storage refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("this browser does not offer storage to Waymark (private browsing can do this)")]
    Unavailable,
    #[error("this device's storage for Waymark is full")]
    Full,
    #[error("the device's storage refused ({name}: {message})")]
    Refused { name: String, message: String },
    #[error("the device's storage gave up part-way; nothing was changed")]
    Aborted,
    #[error("a stored record is damaged ({0})")]
    Damaged(String),
}

impl From<DomException> for StoreError {
    fn from(exception: DomException) -> Self {
        match exception.name().as_str() {
            "QuotaExceededError" => StoreError::Full,
            name => StoreError::Refused {
                name: name.to_owned(),
                message: exception.message(),
            },
        }
    }
}

impl From<JsValue> for StoreError {
    fn from(value: JsValue) -> Self {
        match value.dyn_into::<DomException>() {
            Ok(exception) => exception.into(),
            Err(value) => StoreError::Refused {
                name: "Error".into(),
                message: format!("{value:?}"),
            },
        }
    }
}

// `transaction(stores, mode, { durability })` is not in web-sys' stable API.
#[wasm_bindgen]
extern "C" {
    type DatabaseWithOptions;
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        stores: &Array,
        mode: &str,
        options: &Object,
    ) -> Result<IdbTransaction, JsValue>;
}

/// A promise whose resolve and reject are the event handlers themselves, so no Rust
/// closure is kept alive or leaked.
fn event_promise(wire: impl FnOnce(&Function, &Function)) -> JsFuture {
    let mut wire = Some(wire);
    JsFuture::from(Promise::new(&mut |resolve: Function, reject: Function| {
        if let Some(wire) = wire.take() {
            wire(&resolve, &reject);
        }
    }))
}

/// The result of a request; the handlers are attached when this is called.
fn request(request: IdbRequest) -> impl Future<Output = Result<JsValue, StoreError>> {
    let done = event_promise(|resolve, reject| {
        request.set_onsuccess(Some(resolve));
        request.set_onerror(Some(reject));
    });
    async move {
        match done.await {
            Ok(_) => Ok(request.result()?),
            Err(_) => Err(request
                .error()?
                .map(StoreError::from)
                .unwrap_or(StoreError::Aborted)),
        }
    }
}

/// Commits a write transaction whose requests are all made, and resolves once it has
/// committed; a full disk shows up here, at commit. It asks IndexedDB to commit now
/// rather than once it sees no more requests coming, which saves a turn of the event
/// loop on every save. (`IDBTransaction.commit` is called by name: web-sys marks it
/// deprecated. Browsers older than 2021 lack it and commit on their own as before.)
fn commit(transaction: IdbTransaction) -> impl Future<Output = Result<(), StoreError>> {
    // The complete event fires in a later task, so the handlers set here see it.
    let done = event_promise(|resolve, reject| {
        transaction.set_oncomplete(Some(resolve));
        transaction.set_onabort(Some(reject));
    });
    let commit_now = Reflect::get(&transaction, &"commit".into())
        .ok()
        .and_then(|commit| commit.dyn_into::<Function>().ok());
    if let Some(commit_now) = commit_now {
        if let Err(error) = commit_now.call0(&transaction) {
            leptos::logging::warn!("IndexedDB would not commit early: {error:?}");
        }
    }
    async move {
        match done.await {
            Ok(_) => Ok(()),
            Err(_) => Err(transaction
                .error()
                .map(StoreError::from)
                .unwrap_or(StoreError::Aborted)),
        }
    }
}

/// The open database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DocStore {
    database: IdbDatabase,
}

impl DocStore {
    /// Opens (and on first use creates) the database.
    pub async fn open() -> Result<Self, StoreError> {
        let window = web_sys::window().ok_or(StoreError::Unavailable)?;
        let factory = window.indexed_db()?.ok_or(StoreError::Unavailable)?;
        let opening = factory.open_with_u32(DATABASE, VERSION)?;
        let upgrading = opening.clone();
        let on_upgrade = Closure::<dyn FnMut() -> Result<(), JsValue>>::new(move || {
            let database: IdbDatabase = upgrading.result()?.dyn_into()?;
            for store in [DOCS, SUMMARIES] {
                if !database.object_store_names().contains(store) {
                    database.create_object_store(store)?;
                }
            }
            Ok(())
        });
        opening.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let opened = request(opening.clone().into()).await;
        opening.set_onupgradeneeded(None);
        drop(on_upgrade);
        Ok(Self {
            database: opened?.dyn_into()?,
        })
    }

    fn write_transaction(&self) -> Result<IdbTransaction, StoreError> {
        let options = Object::new();
        // "strict": the commit event waits for the disk, not just the OS.
        Reflect::set(&options, &"durability".into(), &"strict".into())?;
        let stores = Array::of2(&DOCS.into(), &SUMMARIES.into());
        Ok(self
            .database
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&stores, "readwrite", &options)?)
    }

    /// Stores a document (and its summary, for entries) together; resolves once committed.
    pub async fn put(
        &self,
        id: &str,
        bytes: &[u8],
        summary: Option<&str>,
    ) -> Result<(), StoreError> {
        let transaction = self.write_transaction()?;
        // `from` copies; a view would hand IndexedDB the whole of wasm memory.
        transaction
            .object_store(DOCS)?
            .put_with_key(&Uint8Array::from(bytes), &id.into())?;
        if let Some(summary) = summary {
            transaction
                .object_store(SUMMARIES)?
                .put_with_key(&summary.into(), &id.into())?;
        }
        commit(transaction).await
    }

    /// Deletes documents and their summaries together; resolves once committed.
    pub async fn remove(&self, ids: &[String]) -> Result<(), StoreError> {
        let transaction = self.write_transaction()?;
        let docs = transaction.object_store(DOCS)?;
        let summaries = transaction.object_store(SUMMARIES)?;
        for id in ids {
            docs.delete(&id.into())?;
            summaries.delete(&id.into())?;
        }
        commit(transaction).await
    }

    /// The bytes of one document, if stored.
    pub async fn document(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let transaction = self
            .database
            .transaction_with_str_and_mode(DOCS, IdbTransactionMode::Readonly)?;
        let value = request(transaction.object_store(DOCS)?.get(&id.into())?).await?;
        if value.is_undefined() {
            return Ok(None);
        }
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map_err(|_| StoreError::Damaged(format!("document {id}")))?;
        Ok(Some(bytes.to_vec()))
    }

    /// Every summary, one per line. Summaries are compact JSON, which never holds a
    /// raw newline; joining them in JavaScript copies one text into wasm, not 2,000.
    /// The first call takes the read index.html started while the app was loading.
    pub async fn summaries(&self) -> Result<String, StoreError> {
        if let Some(preloaded) = take_preloaded_summaries().await {
            return Ok(preloaded);
        }
        let transaction = self
            .database
            .transaction_with_str_and_mode(SUMMARIES, IdbTransactionMode::Readonly)?;
        let values: Array = request(transaction.object_store(SUMMARIES)?.get_all()?)
            .await?
            .dyn_into()?;
        if !values.every(&mut |value, _, _| value.is_string()) {
            return Err(StoreError::Damaged("a summary is not text".into()));
        }
        Ok(values.join("\n").into())
    }
}

/// The summaries index.html began reading before the app loaded (`waymarkSummaries`),
/// taken once: a later read must see the database as it is then. `None` when the page
/// made no such read or it failed, and the caller reads for itself.
async fn take_preloaded_summaries() -> Option<String> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("waymarkSummaries");
    let promise = Reflect::get(&window, &key)
        .ok()?
        .dyn_into::<Promise>()
        .ok()?;
    Reflect::set(&window, &key, &JsValue::UNDEFINED).ok()?;
    JsFuture::from(promise).await.ok()?.as_string()
}
