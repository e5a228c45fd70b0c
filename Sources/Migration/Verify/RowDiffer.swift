import MLflowSchema
import PostgresTarget

/// The second pass of a verification: keeps only the rows of differing buckets from both sides,
/// pairs them by the table's match columns, and describes each difference.
struct RowDiffer {
    let table: TableSpec
    let layout: TableDigest.Layout
    let buckets: Set<Int>

    /// Reads both sides once more (`sourceRows`, `targetRows` start a new read of the table) and
    /// describes the rows of the selected buckets that are not on both sides alike.
    func differences(sourceRows: () throws -> any TupleReader, targetRows: () throws -> any TupleReader) throws -> [VerifyReport.RowDifference] {
        let source = try collect(try sourceRows().next)
        let target = try collect(try targetRows().next)
        let reader = BinaryTupleReader(expectHeader: false, fields: table.loadedColumns.count)
        var out: [VerifyReport.RowDifference] = []
        for key in Set(source.keys).union(target.keys) {
            var sourceOnly = source[key] ?? [], targetOnly = target[key] ?? []
            for row in sourceOnly {
                if let i = targetOnly.firstIndex(of: row) {
                    targetOnly.remove(at: i)
                    sourceOnly.remove(at: sourceOnly.firstIndex(of: row)!)
                }
            }
            guard !sourceOnly.isEmpty || !targetOnly.isEmpty else { continue }
            let sample = (sourceOnly.first ?? targetOnly.first)!
            let keyParts = try describe(sample, reader).enumerated().filter { layout.match.contains($0.offset) }.map(\.element)
            let kind: String
            var columns: [VerifyReport.ColumnDifference] = []
            switch (sourceOnly.count, targetOnly.count) {
            case (1, 1):
                kind = "changed"
                columns = try changedColumns(sourceOnly[0], targetOnly[0])
            case (_, 0): kind = "missing_in_target"
            case (0, _): kind = "extra_in_target"
            default: kind = "multiset"
            }
            out.append(
                .init(
                    table: table.name, key: keyParts, kind: kind, columns: columns,
                    sourceOnly: try sourceOnly.map { try describe($0, reader) },
                    targetOnly: try targetOnly.map { try describe($0, reader) }))
        }
        return out.sorted { $0.key.map(\.value).lexicographicallyPrecedes($1.key.map(\.value)) }
    }

    /// The tuples of the selected buckets, grouped by the hash of their match columns.
    private func collect(_ next: () throws -> BinaryTuple?) throws -> [UInt64: [[UInt8]]] {
        var rows: [UInt64: [[UInt8]]] = [:]
        while let tuple = try next() {
            let key = TableDigest.keyHash(tuple, layout.match)
            if buckets.contains(Int(key & UInt64(TableDigest.bucketCount - 1))) {
                rows[key, default: []].append(Array(tuple.bytes))
            }
        }
        return rows
    }

    /// The columns whose bytes differ between two tuples, displayed; equal-looking displays of long
    /// text get their lengths added so that a lost character is visible.
    private func changedColumns(_ a: [UInt8], _ b: [UInt8]) throws -> [VerifyReport.ColumnDifference] {
        let columns = table.loadedColumns
        let ra = BinaryTupleReader(expectHeader: false, fields: columns.count)
        let rb = BinaryTupleReader(expectHeader: false, fields: columns.count)
        var out: [VerifyReport.ColumnDifference] = []
        try a.withUnsafeBytes { rawA in
            try ra.read(rawA) { ta in
                try b.withUnsafeBytes { rawB in
                    try rb.read(rawB) { tb in
                        for (i, column) in columns.enumerated() where i < ta.fieldCount && i < tb.fieldCount {
                            let fa = ta.fieldWithLength(i), fb = tb.fieldWithLength(i)
                            guard !fa.elementsEqual(fb) else { continue }
                            var sa = FieldDisplay.describe(ta.value(i), column.pgType)
                            var sb = FieldDisplay.describe(tb.value(i), column.pgType)
                            if sa == sb, let va = ta.value(i), let vb = tb.value(i) {
                                sa += " (\(String(decoding: va, as: UTF8.self).count) characters)"
                                sb += " (\(String(decoding: vb, as: UTF8.self).count) characters)"
                            }
                            out.append(.init(column: column.name, source: sa, target: sb))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Every column of a stored tuple, displayed.
    private func describe(_ bytes: [UInt8], _ reader: BinaryTupleReader) throws -> [ColumnValue] {
        let columns = table.loadedColumns
        var parts: [ColumnValue] = []
        try bytes.withUnsafeBytes { raw in
            try reader.read(raw) { tuple in
                for (i, column) in columns.enumerated() where i < tuple.fieldCount {
                    parts.append(.init(column: column.name, value: FieldDisplay.describe(tuple.value(i), column.pgType)))
                }
            }
        }
        return parts
    }
}
