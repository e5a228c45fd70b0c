import PostgresTarget

extension PGConnection {
    /// The version of the TimescaleDB extension installed in the target database, or nil.
    func timescaleVersion() throws -> String? {
        try query("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'").scalar
    }

    /// Refuses a target whose database lacks the TimescaleDB extension, with the statement that adds it.
    func requireTimescale() throws -> String {
        if let version = try timescaleVersion() { return version }
        let available = try query("SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'").scalar
        throw MigrationError.targetRefused(
            target: displayName, found: "--timescaledb: the TimescaleDB extension is not installed in this database",
            remedy: available != nil
                ? "Run CREATE EXTENSION timescaledb; in it (as its owner or a superuser), with timescaledb in the server's shared_preload_libraries."
                : "The server has no TimescaleDB: install it (https://docs.timescale.com), add timescaledb to shared_preload_libraries, restart, and run CREATE EXTENSION timescaledb; in the database."
        )
    }

    /// Makes the empty `metrics` table a hypertable on `timestamp` with chunks of `interval` ms
    /// (one that already is keeps its own dimension).
    func makeMetricsHypertable(interval: Int64) throws {
        try query(
            "SELECT create_hypertable('metrics', by_range('timestamp', $1::bigint), if_not_exists => true)", [String(interval)],
            operation: "making metrics a hypertable (create_hypertable)")
    }

    /// Compresses every chunk of the `metrics` hypertable and adds the compression policy for the
    /// chunks MLflow writes later (with the integer `now` function it needs); returns the number of chunks.
    func compressMetrics(interval: Int64) throws -> Int {
        try execute(
            """
            ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'run_uuid, key',
                timescaledb.compress_orderby = 'step, timestamp')
            """, operation: "enabling compression on metrics")
        let chunks =
            Int(
                try query(
                    "SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('metrics') c",
                    operation: "compressing the metrics chunks"
                ).scalar ?? "0") ?? 0
        // A policy on an integer time column needs to know "now" in the column's unit: milliseconds.
        try execute(
            """
            CREATE OR REPLACE FUNCTION \(Self.metricsNowFunction)() RETURNS bigint LANGUAGE sql STABLE
                AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$
            """, operation: "creating \(Self.metricsNowFunction)")
        try query(
            "SELECT set_integer_now_func('metrics', '\(Self.metricsNowFunction)', replace_if_exists => true)",
            operation: "setting the integer now function of metrics")
        try query(
            "SELECT add_compression_policy('metrics', compress_after => $1::bigint, if_not_exists => true)", [String(interval)],
            operation: "adding the compression policy of metrics")
        return chunks
    }

    /// The bytes of `metrics` (with its chunks, indexes and compressed data).
    func metricsSize() throws -> Int64 {
        Int64(try query("SELECT hypertable_size('metrics')").scalar ?? "0") ?? 0
    }

    /// The integer `now` function a compression policy on `metrics.timestamp` calls (milliseconds).
    static let metricsNowFunction = "mlflow_pg_migrate_metrics_now"
}
