//! PostgreSQL under [`super::sql`]: a sqlx pool on the database's own small
//! runtime, sessions (a pooled connection in a transaction: a read-only
//! snapshot for reads, or a write transaction with an advisory lock per
//! scope), and values to and from sqlx.

use std::future::Future;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, bail};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Column as _, Executor as _, Postgres, Row as _, TypeInfo as _};

use super::sql::{Conn, Kind, Row, Value, pg_statement, redact};

/// A PostgreSQL pool and the runtime its connections live on.
pub struct Pg {
    pool: PgPool,
    rt: Mutex<Option<tokio::runtime::Runtime>>,
    handle: tokio::runtime::Handle,
    /// "PostgreSQL 127.0.0.1:5432/proofline", for logs (no password).
    pub description: String,
}

impl Drop for Pg {
    fn drop(&mut self) {
        // Dropping a runtime blocks; inside async code that panics.
        if let Some(rt) = self.rt.lock().unwrap_or_else(|p| p.into_inner()).take() {
            rt.shutdown_background();
        }
    }
}

impl Pg {
    pub fn connect(url: &str) -> anyhow::Result<Arc<Pg>> {
        let options: PgConnectOptions = url
            .parse()
            .with_context(|| format!("the database URL {} is not valid", redact(url)))?;
        let description = format!(
            "PostgreSQL {}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("proofline-pg")
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        // The pool's maintenance task is spawned where it is made: here.
        let _on_db_runtime = rt.enter();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_lazy_with(options);
        drop(_on_db_runtime);
        let pg = Arc::new(Pg {
            pool,
            rt: Mutex::new(Some(rt)),
            handle,
            description,
        });
        pg.run(|pool| async move { pool.acquire().await.map(drop) })?
            .with_context(|| format!("cannot connect to {}", pg.description))?;
        Ok(pg)
    }

    /// Runs `f` in the database's runtime and waits for it. A thread of no
    /// runtime (a blocking task's, where requests use the database) drives
    /// it itself, in the runtime's context: no hand-over to a worker and
    /// back for each statement. A runtime's own thread hands it over.
    pub(super) fn run<T, F, Fut>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnOnce(PgPool) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        if tokio::runtime::Handle::try_current().is_err() {
            return Ok(self.handle.block_on(f(self.pool.clone())));
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let fut = f(self.pool.clone());
        self.handle.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv()
            .map_err(|_| anyhow::anyhow!("the database runtime stopped"))
    }

    /// A session: a pooled connection in a transaction. A read is one
    /// read-only snapshot (`REPEATABLE READ`), so its statements agree with
    /// each other. A write first takes the advisory lock named by its scope,
    /// so writers of one scope take turns across every origin.
    pub fn session(self: &Arc<Pg>, access: Access<'_>) -> anyhow::Result<PgSession> {
        let lock = match access {
            Access::Read => None,
            Access::Write { lock } => Some(lock.to_owned()),
        };
        let conn = self.run(|pool| async move {
            let mut conn = pool.acquire().await?;
            begin(&mut conn, lock).await?;
            anyhow::Ok(conn)
        })??;
        Ok(PgSession {
            pg: self.clone(),
            conn: Some(conn),
            in_tx: true,
        })
    }

    /// One statement on a pooled connection outside any transaction (see
    /// [`super::Db::read_one`]); its rows.
    pub fn query(&self, sql: &str, args: &[Value]) -> anyhow::Result<Vec<Row>> {
        let (sql, args) = (pg_statement(sql), args.to_vec());
        let answer = self.run(move |pool| async move {
            let mut conn = pool.acquire().await?;
            statement(&mut conn, sql, args, Mode::Fetch).await
        })??;
        match answer {
            Answer::Rows(rows) => Ok(rows),
            Answer::Changed(_) => bail!("a query answered no rows"),
        }
    }

    pub fn ping(&self) -> anyhow::Result<()> {
        self.run(|pool| async move { sqlx::query("SELECT 1").execute(&pool).await.map(drop) })??;
        Ok(())
    }
}

/// Whether a lock scope may be written into SQL text as it is: ASCII
/// letters, digits, spaces, `-` and `_` only (a gallery id and a hex hash
/// are), so it can never end the quoted literal it goes in.
fn plain_scope(name: &str) -> bool {
    name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_'))
}

/// What a [`PgSession`]'s transaction is for.
#[derive(Clone, Copy)]
pub enum Access<'a> {
    /// Reads only, all from one snapshot.
    Read,
    /// Writes, after taking the advisory lock `lock` (a gallery's id…).
    Write { lock: &'a str },
}

/// One pooled PostgreSQL connection in a transaction, held by [`Conn`] for
/// a read or a write. Dropped without [`PgSession::commit`], it rolls back.
pub struct PgSession {
    pg: Arc<Pg>,
    conn: Option<sqlx::pool::PoolConnection<Postgres>>,
    in_tx: bool,
}

impl PgSession {
    pub fn conn(&mut self) -> Conn<'_> {
        Conn::pg(self)
    }

    /// Runs one statement on the database's runtime: the connection moves
    /// into the task and comes back with the answer.
    pub(super) fn run_statement(
        &mut self,
        sql: &str,
        args: &[Value],
        mode: Mode,
    ) -> anyhow::Result<Answer> {
        let mut conn = self.conn.take().context("the connection was lost")?;
        let (sql, args) = (pg_statement(sql), args.to_vec());
        let (conn, answer) = self.pg.run(move |_| async move {
            let answer = statement(&mut conn, sql, args, mode).await;
            (conn, answer)
        })?;
        self.conn = Some(conn);
        answer
    }

    pub fn commit(mut self) -> anyhow::Result<()> {
        if self.in_tx {
            self.run_statement("COMMIT", &[], Mode::Execute)?;
            self.in_tx = false;
        }
        Ok(())
    }
}

/// Begins a session's transaction: read-only, or a write holding the
/// advisory lock `lock`. Boxed as `dyn Future + Send`, as [`statement`] is.
fn begin(
    conn: &mut sqlx::PgConnection,
    lock: Option<String>,
) -> std::pin::Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + '_>> {
    Box::pin(async move {
        match lock {
            None => {
                conn.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?;
            }
            // A scope of plain characters goes with BEGIN in one round trip
            // (text without arguments is sent as a simple query, which may
            // hold two statements; the scope is written into it); any other
            // is bound apart.
            Some(name) if plain_scope(&name) => {
                let both =
                    format!("BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('{name}', 0))");
                conn.execute(both.as_str()).await?;
            }
            Some(name) => {
                conn.execute("BEGIN").await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(name)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    })
}

/// One statement on a connection. Boxed as `dyn Future + Send`: spawning
/// sqlx's futures directly trips a known higher-ranked lifetime error.
fn statement(
    conn: &mut sqlx::PgConnection,
    sql: String,
    args: Vec<Value>,
    mode: Mode,
) -> std::pin::Pin<Box<dyn Future<Output = anyhow::Result<Answer>> + Send + '_>> {
    Box::pin(async move {
        Ok(match mode {
            Mode::Fetch => {
                let rows = conn.fetch_all(bind(sqlx::query(&sql), args)).await?;
                Answer::Rows(rows.iter().map(from_pg).collect::<anyhow::Result<_>>()?)
            }
            Mode::Execute => {
                let r = conn.execute(bind(sqlx::query(&sql), args)).await?;
                Answer::Changed(r.rows_affected())
            }
        })
    })
}

#[derive(Clone, Copy)]
pub(super) enum Mode {
    Execute,
    Fetch,
}

pub(super) enum Answer {
    Changed(u64),
    Rows(Vec<Row>),
}

impl Drop for PgSession {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let in_tx = self.in_tx;
        // The connection goes back to the pool from the runtime it lives on.
        self.pg.handle.spawn(async move {
            if in_tx && sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                // A connection in an unknown state is closed, not reused.
                conn.close_on_drop();
            }
        });
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

fn bind(mut q: PgQuery<'_>, args: Vec<Value>) -> PgQuery<'_> {
    for a in args {
        q = match a {
            Value::Int(i) => q.bind(i),
            Value::Text(s) => q.bind(s),
            Value::Blob(b) => q.bind(b),
            Value::Null(Kind::Int) => q.bind(None::<i64>),
            Value::Null(Kind::Text) => q.bind(None::<String>),
            Value::Null(Kind::Blob) => q.bind(None::<Vec<u8>>),
        };
    }
    q
}

fn from_pg(row: &PgRow) -> anyhow::Result<Row> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_info().name();
        let v = match ty {
            "INT8" => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
            "INT4" => row
                .try_get::<Option<i32>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "INT2" => row
                .try_get::<Option<i16>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "BOOL" => row
                .try_get::<Option<bool>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => {
                row.try_get::<Option<String>, _>(i)?.map(Value::Text)
            }
            "BYTEA" => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
            other => bail!("column {} has an unexpected type {other}", col.name()),
        };
        out.push(v.unwrap_or(Value::Null(Kind::Int)));
    }
    Ok(Row(out))
}

#[cfg(test)]
mod tests {
    use super::plain_scope;

    #[test]
    fn only_plain_scopes_are_written_into_sql() {
        assert!(plain_scope("ops g-2024_wed 0af3"));
        for bad in ["a'b", "a\\b", "a;b", "a\u{2019}b", "a\nb", &"x".repeat(201)] {
            assert!(!plain_scope(bad), "{bad:?}");
        }
    }
}
