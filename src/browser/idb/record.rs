//! A gallery's record as IndexedDB keeps it: one JSON string, as every
//! version of the app has written it. It is written and read by the
//! browser's own `JSON`, so the app's memory holds the manifest (3 MB at
//! 10,000 photos) once, never the escaped record around it as well; and
//! the other fields are read without copying the manifest at all. On a
//! phone that is 3 to 6 MB less at the moment the studio's copy of a large
//! gallery arrives beside the device's.

use std::sync::Arc;

use js_sys::{JSON, JsString, Object, Reflect};
use proofline_core::GalleryId;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::{DbError, SavedGallery, failed};

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a string already in the browser (js-sys's takes a
    /// `&str`, which would copy it into the app's memory first).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse(text: &JsString) -> Result<JsValue, JsValue>;
}

const MANIFEST: &str = "manifest";
const GALLERY: &str = "gallery";
const SOURCE: &str = "source";
const CLOCK_OFFSET: &str = "clock_offset";
const LAST_VIEWED: &str = "last_viewed";
const KEEP_OFFLINE: &str = "keep_offline";

/// The record of `saved`, made by the browser.
pub(super) fn encode(saved: &SavedGallery) -> Result<JsValue, DbError> {
    let record = Object::new();
    let fields: [(&str, JsValue); 6] = [
        (GALLERY, saved.gallery.as_str().into()),
        (MANIFEST, saved.manifest.as_str().into()),
        (SOURCE, saved.source.as_str().into()),
        (CLOCK_OFFSET, (saved.clock_offset as f64).into()),
        (LAST_VIEWED, saved.last_viewed.into()),
        (KEEP_OFFLINE, saved.keep_offline.into()),
    ];
    for (name, value) in fields {
        Reflect::set(&record, &name.into(), &value).map_err(failed)?;
    }
    JSON::stringify(&record).map(Into::into).map_err(failed)
}

/// The record in `value` (a JSON string), or None if it does not read.
pub(super) fn decode(value: &JsValue) -> Option<SavedGallery> {
    let record = parsed(value)?;
    let head = head_of(&record)?;
    Some(SavedGallery {
        manifest: Arc::new(field(&record, MANIFEST)?.as_string()?),
        ..head
    })
}

/// Whether the record in `value` is saved for offline, its manifest left in
/// the browser; None if it does not read.
pub(super) fn decode_kept(value: &JsValue) -> Option<bool> {
    head_of(&parsed(value)?).map(|h| h.keep_offline)
}

fn parsed(value: &JsValue) -> Option<JsValue> {
    parse(value.dyn_ref::<JsString>()?)
        .ok()
        .filter(JsValue::is_object)
}

fn field(record: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(record, &name.into()).ok()
}

/// The record's fields but its manifest (empty here), which must be text.
fn head_of(record: &JsValue) -> Option<SavedGallery> {
    if !field(record, MANIFEST)?.is_string() {
        return None;
    }
    let number = |name| field(record, name)?.as_f64().filter(|n| n.is_finite());
    Some(SavedGallery {
        gallery: GalleryId::parse(field(record, GALLERY)?.as_string()?).ok()?,
        manifest: Arc::default(),
        source: field(record, SOURCE)?.as_string()?,
        clock_offset: number(CLOCK_OFFSET)? as i64,
        last_viewed: number(LAST_VIEWED)?,
        // Older apps wrote none: not saved for offline.
        keep_offline: field(record, KEEP_OFFLINE)?.as_bool().unwrap_or(false),
    })
}
