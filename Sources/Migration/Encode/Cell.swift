/// One SQLite cell read as the value of its PostgreSQL column: what the encoder writes as a COPY field.
///
/// `text` and `bytea` point into SQLite's row buffer and are valid until the statement steps again.
enum Cell {
    case null
    case int4(Int32)
    case int8(Int64)
    case float8(Double)
    case bool(Bool)
    /// `text`, `varchar(n)` and `json`: the UTF-8 bytes as SQLite stores them.
    case text(UnsafeRawBufferPointer)
    /// `date`: days since 2000-01-01, PostgreSQL's binary form.
    case date(Int32)
    case bytea(UnsafeRawBufferPointer)
}
