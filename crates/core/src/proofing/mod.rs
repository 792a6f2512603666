//! The customer's choices (favourites, selection, approvals, comments, submit)
//! as operations, how any set of them merges into one state, and the studio's
//! rules that may refuse one. The device and the server run the same code, so
//! they agree on the state and on what is refused.
//!
//! **Merge rule.** Each (image, field) is a last-writer-wins register ordered by
//! [`Stamp`]: hybrid logical clock, then device id, then op id. Comments are
//! append-only (a set keyed by op id). The first submit is final. Merging is a
//! join: any order, any duplication, same state.
//!
//! **Rules** ([`Policy::check`]) are judged where an op is accepted: on the
//! device before it is queued (so the customer hears at once) and on the server
//! before it is stored (so two phones together cannot pass the maximum).
//!
//! - `op`: [`Op`] and its [`Action`], the wire form, [`OpError`], a posted
//!   batch ([`read_batch`], [`BatchError`]), batch sizes, [`receipt_id`].
//! - `merge`: [`Stamp`], [`Register`], [`Choices`], [`local_view`].
//! - `rules`: [`SelectionRules`], [`Policy`], [`RuleRefusal`].
//! - `stamping`: [`DeviceClock`], which stamps a device's ops after
//!   everything it has seen, and its [`Offset`] from the server's clock.
//! - `activity`: what a link's devices report ([`DeviceActivity`]) and the
//!   studio page's [`LinkActivity`].
//! - `report`: the studio's answers: [`OpStatus`] and [`OpReceipt`],
//!   [`ChoicesReply`], [`StudioReport`] and its [`LinkReport`]s.

mod activity;
mod compare;
mod merge;
mod op;
mod report;
mod rules;
mod stamping;

#[cfg(test)]
mod fixtures;

pub use activity::{DeviceActivity, LinkActivity};
pub use compare::{ComparedPhoto, Mark, compare};
pub use merge::{Choices, Comment, ImageChoices, Register, Reply, Stamp, local_view};
pub use op::{
    Action, BatchEntry, BatchError, DeviceId, MAX_COMMENT_CHARS, MAX_OPS_PER_BATCH, Op, OpError,
    OpId, SEND_BATCH, Verdict, read_batch, receipt_id,
};
pub use report::{
    ChoicesReply, LinkReport, OpReceipt, OpStatus, RevocationBounds, StudioPhoto, StudioReport,
};
pub use rules::{MAX_CLOCK_AHEAD_MS, MAX_OPS_PER_LINK, Policy, RuleRefusal, SelectionRules};
pub use stamping::{DeviceClock, KEEP_PRECISE_MS, Offset};
