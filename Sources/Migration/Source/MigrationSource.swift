import MLflowSchema
import PostgresTarget

/// Where the rows of a migration come from: an MLflow SQLite store, or a bundle `mlflow-export` wrote.
///
/// Both give the same tuples (binary COPY, exactly as PostgreSQL stores them), so the importer and
/// the verifier do not care which one they read.
public protocol MigrationSource: AnyObject {
    /// The path the user gave, for messages.
    var path: String { get }
    /// The schema map of the source's revision.
    var schema: SchemaRevision { get }
    /// Tables the source holds that the schema map does not know (reported, never loaded).
    var unknownTables: [String] { get }
    /// Every row of a table in the canonical form mlflow-verify compares (`CanonicalTupleBuffer`),
    /// reached without the encoder.
    func canonicalRows(_ table: TableSpec) throws -> any TupleReader
    /// The number of rows of a table.
    func rowCount(_ table: TableSpec) throws -> Int
    /// Sends every row of a table (except those an SQLite source leaves out) into a COPY (started
    /// in the matching mode), calling `progress` with the rows done every 65,536 rows; returns the rows sent.
    func copy(_ table: TableSpec, into conn: PGConnection, progress: ((Int) -> Void)?) throws -> (stream: CopyInStream, rows: Int)
    /// The next value MLflow would get from a sequence's column on the source.
    func nextValue(for sequence: SequenceSpec) throws -> Int64
    /// The primary key of the `line`-th row (1-based) of a table, for messages.
    func rowKey(table: TableSpec, line: Int) -> RowKey?
}
