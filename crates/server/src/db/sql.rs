//! The two databases behind [`crate::db::Db`], through one interface: **SQLite** (rusqlite; the
//! embedded default, one file) and **PostgreSQL** (sqlx; several origins on
//! one database).
//!
//! Queries are written once, in the SQL both understand: `?1` placeholders,
//! `ON CONFLICT`, `RETURNING`, `CASE` rather than two-argument `min`; no
//! `rowid`: rows in insertion order are ordered by an explicit `seq` column.
//! For PostgreSQL a statement's `?N` becomes `$N`. The schema is not written
//! here: each backend has its own migration files (see `super::schema`).
//!
//! Every call blocks, like the rest of [`crate::db::Db`]. sqlx is async, so
//! PostgreSQL work runs on the database's own small runtime and the caller
//! waits for the answer on a channel: that works from `spawn_blocking`, from
//! plain threads and from the CLI alike.

use anyhow::{Context as _, anyhow, bail};
use rusqlite::types::{Value as SqliteValue, ValueRef};

pub use super::pg::{Access, Pg, PgSession};
use super::pg::{Answer, Mode};

/// A value passed to or read from a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    /// A NULL of a column type (PostgreSQL types its parameters).
    Null(Kind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
}

/// Something that can be a statement's parameter.
pub trait ToValue {
    const KIND: Kind;
    fn to_value(&self) -> Value;
}

macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            const KIND: Kind = Kind::Int;
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_values!(i64, i32, u32, u64, usize);

impl ToValue for bool {
    const KIND: Kind = Kind::Int;
    fn to_value(&self) -> Value {
        Value::Int(*self as i64)
    }
}
impl ToValue for str {
    const KIND: Kind = Kind::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToValue for String {
    const KIND: Kind = Kind::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    const KIND: Kind = Kind::Blob;
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    const KIND: Kind = Kind::Blob;
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl<const N: usize> ToValue for [u8; N] {
    const KIND: Kind = Kind::Blob;
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    const KIND: Kind = T::KIND;
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    const KIND: Kind = T::KIND;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::KIND),
        }
    }
}

/// A statement's parameters: `args![id, title, now]`.
#[macro_export]
macro_rules! args {
    ($($e:expr),* $(,)?) => {
        &[$($crate::db::sql::ToValue::to_value(&$e)),*][..]
    };
}

/// A value read back from a row.
pub trait FromValue: Sized {
    fn from_value(v: Value) -> anyhow::Result<Self>;
}

impl FromValue for i64 {
    fn from_value(v: Value) -> anyhow::Result<Self> {
        match v {
            Value::Int(i) => Ok(i),
            other => bail!("expected an integer, found {other:?}"),
        }
    }
}
macro_rules! narrow_ints {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: Value) -> anyhow::Result<Self> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| anyhow!("{i} is out of range"))
            }
        }
    )*};
}
narrow_ints!(u32, u64, u16);

impl FromValue for bool {
    fn from_value(v: Value) -> anyhow::Result<Self> {
        Ok(i64::from_value(v)? != 0)
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> anyhow::Result<Self> {
        match v {
            Value::Text(s) => Ok(s),
            other => bail!("expected text, found {other:?}"),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> anyhow::Result<Self> {
        match v {
            Value::Blob(b) => Ok(b),
            other => bail!("expected bytes, found {other:?}"),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> anyhow::Result<Self> {
        match v {
            Value::Null(_) => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    /// Column `at` (from 0) as a `T`.
    pub fn get<T: FromValue>(&self, at: usize) -> anyhow::Result<T> {
        let v = self
            .0
            .get(at)
            .cloned()
            .with_context(|| format!("the row has no column {at}"))?;
        T::from_value(v).with_context(|| format!("column {at}"))
    }
}

/// A connection inside [`crate::db::Db::read`] or a transaction inside
/// [`crate::db::Db::write`].
pub struct Conn<'a>(Inner<'a>);

enum Inner<'a> {
    Sqlite(&'a rusqlite::Connection),
    Pg(&'a mut PgSession),
}

impl Conn<'_> {
    pub(crate) fn sqlite(c: &rusqlite::Connection) -> Conn<'_> {
        Conn(Inner::Sqlite(c))
    }

    pub(super) fn pg(s: &mut PgSession) -> Conn<'_> {
        Conn(Inner::Pg(s))
    }

    /// Whether this is PostgreSQL: for the rare statement its planner needs
    /// written another way (each says why).
    pub fn is_postgres(&self) -> bool {
        matches!(self.0, Inner::Pg(_))
    }

    /// Runs a statement; answers how many rows it changed.
    pub fn execute(&mut self, sql: &str, args: &[Value]) -> anyhow::Result<u64> {
        match &mut self.0 {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(args.iter().map(to_sqlite)))? as u64)
            }
            Inner::Pg(s) => match s.run_statement(sql, args, Mode::Execute)? {
                Answer::Changed(n) => Ok(n),
                Answer::Rows(_) => unreachable!("execute answers a count"),
            },
        }
    }

    /// Every row a query answers.
    pub fn query(&mut self, sql: &str, args: &[Value]) -> anyhow::Result<Vec<Row>> {
        match &mut self.0 {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows =
                    stmt.query(rusqlite::params_from_iter(args.iter().map(to_sqlite)))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(Row((0..n)
                        .map(|i| from_sqlite(r.get_ref(i)?))
                        .collect::<anyhow::Result<_>>()?));
                }
                Ok(out)
            }
            Inner::Pg(s) => match s.run_statement(sql, args, Mode::Fetch)? {
                Answer::Rows(rows) => Ok(rows),
                Answer::Changed(_) => unreachable!("a query answers rows"),
            },
        }
    }

    /// The first row a query answers, if any.
    pub fn query_opt(&mut self, sql: &str, args: &[Value]) -> anyhow::Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row a query answers; an error if there is none.
    pub fn query_one(&mut self, sql: &str, args: &[Value]) -> anyhow::Result<Row> {
        self.query_opt(sql, args)?
            .context("the database answered no row")
    }
}

fn to_sqlite(v: &Value) -> SqliteValue {
    match v {
        Value::Int(i) => SqliteValue::Integer(*i),
        Value::Text(s) => SqliteValue::Text(s.clone()),
        Value::Blob(b) => SqliteValue::Blob(b.clone()),
        Value::Null(_) => SqliteValue::Null,
    }
}

fn from_sqlite(v: ValueRef<'_>) -> anyhow::Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null(Kind::Int),
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => Value::Text(std::str::from_utf8(t)?.to_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Real(r) => bail!("unexpected real number {r} in the database"),
    })
}

/// A statement in PostgreSQL's words: `?N` → `$N`.
pub fn pg_statement(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A database URL with its password hidden, for messages.
pub fn redact(url: &str) -> String {
    let Some(scheme) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme..];
    match rest
        .find('@')
        .and_then(|at| rest[..at].find(':').map(|colon| (colon, at)))
    {
        Some((colon, at)) => format!("{}{}:***{}", &url[..scheme], &rest[..colon], &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_in_postgres_words() {
        assert_eq!(
            pg_statement("SELECT a FROM t WHERE b = ?1 AND c = ?12 ORDER BY created_at, seq"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 ORDER BY created_at, seq"
        );
        assert_eq!(pg_statement("SELECT '?' FROM t"), "SELECT '?' FROM t");
    }

    #[test]
    fn values_round_trip_through_sqlite() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let mut conn = Conn::sqlite(&c);
        conn.execute(
            "CREATE TABLE t (n INTEGER, a INTEGER, b TEXT, c BLOB)",
            args![],
        )
        .unwrap();
        let none: Option<String> = None;
        conn.execute(
            "INSERT INTO t VALUES (1, ?1, ?2, ?3), (2, NULL, ?4, NULL)",
            args![7u32, "x", [1u8, 2], none],
        )
        .unwrap();
        let rows = conn
            .query("SELECT a, b, c FROM t ORDER BY n", args![])
            .unwrap();
        assert_eq!(rows[0].get::<u32>(0).unwrap(), 7);
        assert_eq!(rows[0].get::<String>(1).unwrap(), "x");
        assert_eq!(rows[0].get::<Vec<u8>>(2).unwrap(), vec![1, 2]);
        assert_eq!(rows[1].get::<Option<i64>>(0).unwrap(), None);
        assert_eq!(rows[1].get::<Option<String>>(1).unwrap(), None);
        assert!(rows[0].get::<String>(0).is_err(), "an integer is not text");
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://proofline:secret@db:5432/p"),
            "postgres://proofline:***@db:5432/p"
        );
    }
}
