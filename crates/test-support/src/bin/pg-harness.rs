//! `pg-harness [--real]`: starts a throwaway PostgreSQL server, prints the
//! URL of its `proofline` database on the first line of stdout, and stops it
//! (deleting its directory) when stdin closes. The browser tests use it.

use std::io::{Read as _, Write as _};

use proofline_test_support::postgres::{Durability, TempPostgres};

fn main() -> anyhow::Result<()> {
    let durability = if std::env::args().any(|a| a == "--real") {
        Durability::Real
    } else {
        Durability::Fast
    };
    let pg = TempPostgres::start(durability)?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", pg.url("proofline"))?;
    out.flush()?;
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(pg);
    Ok(())
}
