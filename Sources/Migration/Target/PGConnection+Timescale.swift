import PostgresTarget

extension PGConnection {
    /// The TimescaleDB extension installed in the target database: its version and the schema
    /// its functions live in.
    struct Timescale {
        let version: String
        /// The extension's schema, quoted: its functions are called qualified, whatever `search_path` is.
        let schema: String
    }

    /// The TimescaleDB extension of the target database, or nil.
    func timescale() throws -> Timescale? {
        guard
            let row = try query(
                """
                SELECT e.extversion, quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                WHERE e.extname = 'timescaledb'
                """
            ).rows.first, let version = row[0], let schema = row[1]
        else { return nil }
        return Timescale(version: version, schema: schema)
    }

    /// Refuses a target whose database lacks the TimescaleDB extension, with the statement that adds it.
    func requireTimescale() throws -> Timescale {
        if let timescale = try timescale() { return timescale }
        let available = try query("SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'").scalar
        throw MigrationError.targetRefused(
            target: displayName, found: "--timescaledb: the TimescaleDB extension is not installed in this database",
            remedy: available != nil
                ? "Run CREATE EXTENSION timescaledb; in it (as its owner or a superuser), with timescaledb in the server's shared_preload_libraries."
                : "The server has no TimescaleDB: install it (https://docs.timescale.com), add timescaledb to shared_preload_libraries, restart, and run CREATE EXTENSION timescaledb; in the database."
        )
    }

    /// The chunk interval of `metrics` in milliseconds when it already is a hypertable; else nil.
    func metricsChunkInterval() throws -> Int64? {
        try query(
            """
            SELECT integer_interval FROM timescaledb_information.dimensions
            WHERE hypertable_schema = current_schema() AND hypertable_name = 'metrics' AND column_name = 'timestamp'
            """
        ).scalar.flatMap { Int64($0) }
    }

    /// Refuses a role that does not own `metrics`, which `create_hypertable` and compression need.
    ///
    /// Membership in the owning role counts as owning.
    func requireMetricsOwner() throws {
        guard try query("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'metrics'::regclass").scalar != "t" else { return }
        throw MigrationError.targetRefused(
            target: displayName, found: "--timescaledb: this role does not own metrics",
            remedy: "Only the owner of metrics may make it a hypertable and compress it: connect as its owner, or import without --timescaledb.")
    }

    /// Makes `metrics` a hypertable on `timestamp` with chunks of `interval` ms, with no index of
    /// TimescaleDB's own (MLflow's keys are built after the data); returns the interval in effect
    /// (a table that already is a hypertable keeps its own).
    func makeMetricsHypertable(_ ts: Timescale, interval: Int64) throws -> Int64 {
        try query(
            """
            SELECT \(ts.schema).create_hypertable('metrics', \(ts.schema).by_range('timestamp', $1::bigint),
                create_default_indexes => false, if_not_exists => true)
            """, [String(interval)], operation: "making metrics a hypertable (create_hypertable)")
        return try metricsChunkInterval() ?? interval
    }

    /// Compresses every chunk of `metrics`, and adds the compression policy for the chunks MLflow
    /// writes later with the integer `now` function it needs; returns the number of chunks.
    func compressMetrics(_ ts: Timescale, interval: Int64) throws -> Int {
        try execute(
            """
            ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'run_uuid, key',
                timescaledb.compress_orderby = 'step, timestamp')
            """, operation: "enabling compression on metrics")
        let chunks =
            Int(
                try query(
                    "SELECT count(\(ts.schema).compress_chunk(c, if_not_compressed => true)) FROM \(ts.schema).show_chunks('metrics') c",
                    operation: "compressing the metrics chunks"
                ).scalar ?? "0") ?? 0
        // A policy on an integer time column needs to know "now" in the column's unit: milliseconds.
        try execute(
            """
            CREATE OR REPLACE FUNCTION \(Self.metricsNowFunction)() RETURNS bigint LANGUAGE sql STABLE
                AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$
            """, operation: "creating \(Self.metricsNowFunction)")
        try query(
            "SELECT \(ts.schema).set_integer_now_func('metrics', $1, replace_if_exists => true)",
            [quoteIdentifier(try currentSchema() ?? "public") + "." + Self.metricsNowFunction],
            operation: "setting the integer now function of metrics")
        try query(
            "SELECT \(ts.schema).add_compression_policy('metrics', compress_after => $1::bigint, if_not_exists => true)", [String(interval)],
            operation: "adding the compression policy of metrics")
        return chunks
    }

    /// The bytes of `metrics` (with its chunks, indexes and compressed data).
    func metricsSize(_ ts: Timescale) throws -> Int64 {
        Int64(try query("SELECT \(ts.schema).hypertable_size('metrics')").scalar ?? "0") ?? 0
    }

    /// The integer `now` function a compression policy on `metrics.timestamp` calls (milliseconds).
    static let metricsNowFunction = "mlflow_pg_migrate_metrics_now"
}
