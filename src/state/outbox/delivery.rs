//! Sending the queue to the studio and taking in its answers: batches in
//! order, each to the first origin that answers (a batch one origin left
//! unanswered goes to the next at once, with the same op ids); backoff with
//! jitter only when none answered or the studio had a problem; receipts and
//! refusals applied; other devices' choices asked for while visible.

use leptos::prelude::*;
use proofline_core::loading::backoff_ms;
use proofline_core::proofing::{Action, ChoicesReply, Offset, Op, OpStatus, SEND_BATCH};
use proofline_core::wording::refused_choice;

use super::Outbox;
use super::storage::save_settled;
use crate::browser::clock::now_ms;
use crate::browser::{random, visibility};
use crate::net::api::{SendError, fetch_choices, post_ops};

/// Retries start after about 1 s and wait at most 10 s: an origin that comes
/// back is noticed quickly.
const RETRY_BASE_MS: u64 = 1_000;
const RETRY_MAX_MS: u64 = 10_000;
/// How often a visible gallery asks the studio for other devices' choices.
const POLL_MS: u32 = 20_000;

impl Outbox {
    /// Fetches what the studio holds for this link (other devices' choices
    /// included) and shows it under this device's unconfirmed ones.
    pub fn pull(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let this = *self;
        leptos::task::spawn_local(async move {
            let (gallery, token) = {
                let i = inner.borrow();
                (i.gallery.clone(), i.token.clone())
            };
            let sent = now_ms();
            match fetch_choices(&gallery, &token).await {
                Ok(reply) => this.settle(reply, sent).await,
                Err(SendError::Gone(message)) => {
                    this.gone.try_set(Some(message));
                }
                Err(_) => {}
            }
        });
    }

    /// Other devices' choices arrive by asking: every [`POLL_MS`] while the
    /// page is visible (until [`Outbox::close`]).
    pub(super) fn poll_while_visible(&self) {
        let this = *self;
        let poll = gloo_timers::callback::Interval::new(POLL_MS, move || {
            if visibility::is_visible() {
                this.pull();
            }
        });
        if let Some(inner) = self.inner.try_get_value() {
            inner.borrow_mut().poll = Some(poll);
        }
    }

    /// Sends every saved op, a batch at a time, until the queue is empty or
    /// an answer says to stop or wait (this tab holds the gallery's lock).
    pub(super) async fn send_all(&self) {
        let inner = self.inner.get_value();
        inner.borrow_mut().sending = true;
        loop {
            let (batch, gallery, token) = {
                let mut i = inner.borrow_mut();
                i.retry = None;
                let mut ready: Vec<Op> = i.written().cloned().collect();
                ready.sort_by_key(Op::stamp);
                ready.truncate(SEND_BATCH);
                (ready, i.gallery.clone(), i.token.clone())
            };
            if batch.is_empty() {
                break;
            }
            // Every origin is tried before this answers (a batch one did
            // not answer goes to the next at once, same op ids): a retry
            // means none answered, so only then the backoff.
            let sent = now_ms();
            match post_ops(&gallery, &token, &batch).await {
                Ok(reply) => {
                    inner.borrow_mut().attempt = 0;
                    inner.borrow_mut().stopped = None;
                    self.settle(reply, sent).await;
                }
                Err(SendError::Retry) => {
                    let attempt = {
                        let mut i = inner.borrow_mut();
                        i.attempt += 1;
                        i.attempt
                    };
                    let wait = backoff_ms(attempt, RETRY_BASE_MS, RETRY_MAX_MS, random::unit());
                    self.schedule(wait as u32);
                    break;
                }
                Err(SendError::Rejected(message)) => {
                    inner.borrow_mut().stopped = Some(message);
                    break;
                }
                Err(SendError::Gone(message)) => {
                    // Nothing is dropped here: the page shows what was not
                    // sent before the device forgets the gallery.
                    inner.borrow_mut().stopped = Some(message.clone());
                    self.gone.try_set(Some(message));
                    break;
                }
            }
        }
        inner.borrow_mut().sending = false;
        self.refresh();
    }

    /// Applies the studio's answer to a request sent at device time `sent`:
    /// receipted and refused ops leave the queue (refusals are kept as
    /// sentences), the confirmed state is saved, and the clock observes the
    /// studio's state and reads the studio's clock.
    async fn settle(&self, reply: ChoicesReply, sent: i64) {
        let reading = reply
            .server_ms
            .and_then(|server| Offset::measure(server, sent, now_ms()));
        let inner = self.inner.get_value();
        let (db, link, settled, confirmed) = {
            let mut i = inner.borrow_mut();
            i.observe(reply.choices.latest(), reading);
            let mut settled = Vec::new();
            for receipt in &reply.receipts {
                let Some(id) = &receipt.op_id else { continue };
                let Some(op) = i.pending.iter().find(|op| op.id.as_str() == id).cloned() else {
                    continue;
                };
                match &receipt.outcome {
                    OpStatus::Applied { receipt, .. } | OpStatus::Duplicate { receipt, .. } => {
                        if op.action == Action::Submit {
                            i.confirmed.submit_receipt = Some(receipt.clone());
                        }
                    }
                    // Activity the studio would not keep is no loss to tell of.
                    OpStatus::Refused { .. } | OpStatus::Invalid { .. }
                        if op.action.is_activity() => {}
                    OpStatus::Refused { message, .. } | OpStatus::Invalid { message } => {
                        let what = i.describe(&op.action);
                        i.confirmed.not_sent.push(refused_choice(&what, message));
                        self.notice.set(Some(message.clone()));
                    }
                }
                settled.push(id.clone());
            }
            i.pending
                .retain(|op| !settled.iter().any(|s| s == op.id.as_str()));
            let had_unsaved = !i.not_on_disk.is_empty();
            i.not_on_disk
                .retain(|id| !settled.iter().any(|s| s == id.as_str()));
            if had_unsaved && i.not_on_disk.is_empty() {
                // The studio has what the device could not keep.
                self.notice.set(None);
            }
            i.confirmed.choices = reply.choices;
            i.confirmed.last_receipt = reply.last_receipt;
            (i.db.clone(), i.link.clone(), settled, i.confirmed.clone())
        };
        if let Some(db) = db {
            save_settled(&db, &link, &settled, &confirmed).await;
        }
        self.refresh();
        self.announce();
    }

    /// Tries delivering again in `ms`.
    pub(super) fn schedule(&self, ms: u32) {
        let this = *self;
        if let Some(inner) = self.inner.try_get_value() {
            inner.borrow_mut().retry =
                Some(gloo_timers::callback::Timeout::new(ms, move || this.sync()));
        }
    }
}
