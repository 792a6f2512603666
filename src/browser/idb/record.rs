//! A gallery's record as IndexedDB keeps it: one JSON string, as every
//! version of the app has written it. Its manifest (3 MB at 10,000 photos)
//! is escaped and unescaped by the browser's own `JSON`, so the app's
//! memory holds the manifest once, never the record around it as well; and
//! the other fields are read without the manifest at all. On a phone that
//! is 3 to 6 MB less at the moment the studio's copy of a large gallery
//! arrives beside the device's.

use std::sync::Arc;

use js_sys::{JsString, Reflect};
use proofline_core::GalleryId;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::{DbError, SavedGallery, failed};

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a string already in the browser (js-sys's takes a
    /// `&str`, which would copy it into the app's memory first).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse(text: &JsString) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn stringify(value: &JsValue) -> Result<JsString, JsValue>;
}

/// A record's fields but its manifest.
#[derive(Serialize, Deserialize)]
pub(super) struct Head {
    gallery: GalleryId,
    source: String,
    clock_offset: i64,
    last_viewed: f64,
    #[serde(default)]
    pub(super) keep_offline: bool,
}

const MANIFEST: &str = "manifest";

/// The record of `saved`: `{"manifest":"…",` and its other fields.
pub(super) fn encode(saved: &SavedGallery) -> Result<JsValue, DbError> {
    let head = Head {
        gallery: saved.gallery.clone(),
        source: saved.source.clone(),
        clock_offset: saved.clock_offset,
        last_viewed: saved.last_viewed,
        keep_offline: saved.keep_offline,
    };
    let head = serde_json::to_string(&head).map_err(|e| DbError::Failed(e.to_string()))?;
    let manifest = stringify(&JsValue::from_str(&saved.manifest)).map_err(failed)?;
    let record = JsString::from("{\"manifest\":")
        .concat(&manifest)
        .concat(&JsValue::from_str(","))
        .concat(&JsValue::from_str(&head[1..]));
    Ok(record.into())
}

/// The record in `value` (a JSON string), or None if it does not read.
pub(super) fn decode(value: &JsValue) -> Option<SavedGallery> {
    let record = parsed(value)?;
    let manifest = Reflect::get(&record, &MANIFEST.into()).ok()?.as_string()?;
    let head = head_of(&record)?;
    Some(SavedGallery {
        gallery: head.gallery,
        manifest: Arc::new(manifest),
        source: head.source,
        clock_offset: head.clock_offset,
        last_viewed: head.last_viewed,
        keep_offline: head.keep_offline,
    })
}

/// The fields of the record in `value` but its manifest.
pub(super) fn decode_head(value: &JsValue) -> Option<Head> {
    head_of(&parsed(value)?)
}

fn parsed(value: &JsValue) -> Option<JsValue> {
    let text: &JsString = value.dyn_ref()?;
    parse(text).ok().filter(JsValue::is_object)
}

/// Reads the other fields of a parsed `record` (and drops its manifest).
fn head_of(record: &JsValue) -> Option<Head> {
    let manifest = Reflect::get(record, &MANIFEST.into()).ok()?;
    if !manifest.is_string() {
        return None;
    }
    Reflect::delete_property(record.unchecked_ref::<js_sys::Object>(), &MANIFEST.into()).ok()?;
    serde_json::from_str(&String::from(stringify(record).ok()?)).ok()
}
