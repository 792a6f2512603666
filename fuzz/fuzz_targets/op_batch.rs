//! `proofing::read_batch`, the origin's reading of the ops a device posts, on
//! any body. Besides never panicking: no more entries than allowed; every op
//! it accepts survives its wire form, alone and as a batch; and the ops merge
//! into the same choices in any order and with any repetition, as the
//! origin and the devices assume, which the origin keeps as JSON and reads
//! back unchanged.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use proofline_core::proofing::{Choices, MAX_OPS_PER_BATCH, Op, read_batch};

fuzz_target!(|data: &[u8]| {
    let batch = match read_batch(data, MAX_OPS_PER_BATCH) {
        Ok(batch) => batch,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(batch.len() <= MAX_OPS_PER_BATCH);
    let mut ops: Vec<Op> = Vec::new();
    for entry in batch {
        match entry {
            Ok(op) => {
                let wire = serde_json::to_value(&op).expect("an op serialises");
                assert_eq!(Op::from_value(wire.clone()).as_ref(), Ok(&op), "{wire}");
                ops.push(op);
            }
            Err((_, e)) => {
                let _ = e.to_string();
            }
        }
    }

    let body = serde_json::json!({ "ops": ops }).to_string();
    let again = read_batch(body.as_bytes(), MAX_OPS_PER_BATCH).expect("its own batch reads");
    assert_eq!(again, ops.iter().cloned().map(Ok).collect::<Vec<_>>());

    // The origin applies each op id once (the first it stores), so the merge
    // is judged over ops with distinct ids.
    let mut seen = HashSet::new();
    ops.retain(|op| seen.insert(op.id.clone()));
    let forward = Choices::from_ops(&ops);
    assert_eq!(Choices::from_ops(ops.iter().rev()), forward);
    assert_eq!(Choices::from_ops(ops.iter().chain(&ops)), forward);
    // The origin keeps each link's merged choices as JSON and reads them back.
    let kept = serde_json::to_string(&forward).expect("choices serialise");
    assert_eq!(
        serde_json::from_str::<Choices>(&kept).expect("kept choices read back"),
        forward
    );
});
