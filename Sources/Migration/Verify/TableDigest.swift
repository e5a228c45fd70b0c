import MLflowSchema
import PostgresTarget

/// An order-independent checksum of one table's rows, with the detail needed to narrow it down.
///
/// Each row's canonical bytes (`CanonicalTupleBuffer`) are hashed with xxHash64 and the hashes are
/// added (a multiset hash: row order never matters, a duplicate row counts twice). Rows are also
/// summed into buckets by their match columns, so that differing rows can be found in a second pass
/// that only keeps the rows of differing buckets. Memory does not grow with the table, only with the
/// number of metric series.
struct TableDigest {
    static let bucketCount = 1 << 14

    /// Which fields of a tuple form the match key and the series key.
    ///
    /// When the series columns are part of the match columns they come first, so that the match
    /// hash continues from the series hash instead of hashing those fields twice.
    struct Layout {
        let match: [Int]
        let series: [Int]?
        /// The match fields after the series fields, when the match hash continues the series hash.
        let matchAfterSeries: [Int]?

        init(_ table: TableSpec) {
            let names = table.loadedColumns.map(\.name)
            let matchFields = table.matchColumns.compactMap { names.firstIndex(of: $0) }
            series = MetricSeries.keyColumns(of: table)?.compactMap { names.firstIndex(of: $0) }
            if let series, series.allSatisfy(matchFields.contains) {
                let rest = matchFields.filter { !series.contains($0) }
                match = series + rest
                matchAfterSeries = rest
            } else {
                match = matchFields
                matchAfterSeries = nil
            }
        }
    }

    /// One metric series: its points' checksum and count, and its name for reports.
    struct Series {
        var sum: UInt64 = 0
        var points = 0
        var name: [String]
    }

    let layout: Layout
    private(set) var rows = 0
    private(set) var sum: UInt64 = 0
    private(set) var buckets = [UInt64](repeating: 0, count: TableDigest.bucketCount)
    private(set) var series: [Series] = []
    private(set) var seriesIndex: [UInt64: Int] = [:]
    /// The series of the previous row: rows of one series mostly come together.
    private var lastSeries: (key: UInt64, index: Int)?

    init(layout: Layout) {
        self.layout = layout
    }

    /// The checksum as 16 hex digits.
    var checksum: String { hex(sum) }

    /// Adds every tuple `next` returns.
    mutating func add(all next: () throws -> BinaryTuple?) rethrows {
        while let tuple = try next() { add(tuple) }
    }

    @inline(__always)
    mutating func add(_ tuple: BinaryTuple) {
        let h = XXH64.hash(tuple.bytes)
        rows += 1
        sum &+= h
        guard let columns = layout.series else {
            buckets[Int(Self.keyHash(tuple, layout.match) & UInt64(Self.bucketCount - 1))] &+= h &+ 1
            return
        }
        let key = Self.keyHash(tuple, columns)
        let matchKey = layout.matchAfterSeries.map { Self.keyHash(tuple, $0, from: key) } ?? Self.keyHash(tuple, layout.match)
        buckets[Int(matchKey & UInt64(Self.bucketCount - 1))] &+= h &+ 1
        let index: Int
        if let last = lastSeries, last.key == key {
            index = last.index
        } else if let known = seriesIndex[key] {
            index = known
        } else {
            index = series.count
            seriesIndex[key] = index
            series.append(Series(name: columns.map { tuple.value($0).map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }))
        }
        lastSeries = (key, index)
        series[index].sum &+= h
        series[index].points += 1
    }

    /// The hash of some fields of a tuple, length prefixes included (NULL differs from '').
    @inline(__always)
    static func keyHash(_ tuple: BinaryTuple, _ fields: [Int], from start: UInt64 = KeyHash.start) -> UInt64 {
        var h = start
        for i in fields { h = KeyHash.combine(h, tuple.fieldWithLength(i)) }
        return h
    }

    /// Buckets whose sums differ between two digests.
    func differingBuckets(from other: TableDigest) -> [Int] {
        buckets.indices.filter { buckets[$0] != other.buckets[$0] }
    }

    /// Series whose checksum or point count differ, with the counts on each side.
    func differingSeries(from other: TableDigest) -> [(name: [String], source: Int, target: Int)] {
        var out: [(name: [String], source: Int, target: Int)] = []
        for key in Set(seriesIndex.keys).union(other.seriesIndex.keys) {
            let a = seriesIndex[key].map { series[$0] }, b = other.seriesIndex[key].map { other.series[$0] }
            if a?.sum != b?.sum || a?.points != b?.points {
                out.append(((a ?? b)!.name, a?.points ?? 0, b?.points ?? 0))
            }
        }
        return out.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }
}
