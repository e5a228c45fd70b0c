import MLflowSchema
import PostgresTarget

/// An order-independent checksum of one table's rows, with the detail needed to narrow it down.
///
/// Each row's canonical bytes (its binary COPY tuple) are hashed with xxHash64 and the hashes are
/// added (a multiset hash: row order never matters, a duplicate row counts twice). Rows are also
/// summed into buckets by their match columns, so that differing rows can be found in a second pass
/// that only keeps the rows of differing buckets. Memory does not grow with the table, only with the
/// number of metric series.
struct TableDigest {
    static let bucketCount = 1 << 14

    /// Which fields of a tuple form the match key and the series key.
    struct Layout {
        let match: [Int]
        let series: [Int]?

        init(_ table: TableSpec) {
            let names = table.loadedColumns.map(\.name)
            match = table.matchColumns.compactMap { names.firstIndex(of: $0) }
            series = MetricSeries.keyColumns(of: table)?.compactMap { names.firstIndex(of: $0) }
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
    private(set) var series: [UInt64: Series] = [:]

    init(layout: Layout) {
        self.layout = layout
    }

    /// The checksum as 16 hex digits.
    var checksum: String { hex(sum) }

    @inline(__always)
    mutating func add(_ tuple: BinaryTuple) {
        let h = XXH64.hash(tuple.bytes)
        rows += 1
        sum &+= h
        buckets[Int(Self.keyHash(tuple, layout.match) & UInt64(Self.bucketCount - 1))] &+= h &+ 1
        if let columns = layout.series {
            let key = Self.keyHash(tuple, columns)
            if series[key] == nil {
                series[key] = Series(name: columns.map { tuple.value($0).map { String(decoding: $0, as: UTF8.self) } ?? "NULL" })
            }
            series[key]!.sum &+= h
            series[key]!.points += 1
        }
    }

    /// The hash of some fields of a tuple, length prefixes included (NULL differs from '').
    @inline(__always)
    static func keyHash(_ tuple: BinaryTuple, _ fields: [Int]) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in fields { h = XXH64.hash(tuple.fieldWithLength(i), seed: h) }
        return h
    }

    /// Buckets whose sums differ between two digests.
    func differingBuckets(from other: TableDigest) -> [Int] {
        buckets.indices.filter { buckets[$0] != other.buckets[$0] }
    }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
