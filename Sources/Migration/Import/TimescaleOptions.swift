/// `--timescaledb`: MLflow's `metrics` as a compressed TimescaleDB hypertable.
///
/// `metrics` is partitioned on `timestamp` (milliseconds since the epoch, part of MLflow's
/// primary key); its chunks are compressed segmented by `run_uuid, key` and ordered by
/// `step, timestamp`, the order MLflow reads a metric's history in.
public struct TimescaleOptions: Sendable, Equatable {
    /// The width of a chunk in milliseconds (default 7 days).
    public var chunkInterval: Int64

    public init(chunkInterval: Int64 = 7 * 86_400_000) {
        self.chunkInterval = chunkInterval
    }

    /// Parses an interval: a number of milliseconds, or a number followed by `d`, `h`, `m`, `s`
    /// or `ms` (`7d`, `12h`); nil for anything else or a value below one second.
    public static func interval(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        let (number, unit) = units.first { text.hasSuffix($0.0) }.map { (text.dropLast($0.0.count), $0.1) } ?? (Substring(text), 1)
        guard let n = Int64(number), n > 0 else { return nil }
        let (ms, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow || ms < 1000 ? nil : ms
    }
}
