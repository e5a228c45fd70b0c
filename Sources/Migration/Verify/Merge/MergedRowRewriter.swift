import MLflowSchema
import PostgresTarget

/// Rewrites one source's canonical rows of a table as a merge record says the merge added them:
/// ids and names changed, rows not added left out.
///
/// It reads the record, not the merge's SQL: the merge rewrote rows in PostgreSQL
/// (`MergeStage`), this rewrites the source's canonical rows in Swift, so a fault in one cannot
/// hide itself in the other.
final class MergedRowRewriter: TupleReader {
    private let inner: any TupleReader
    private let table: TableSpec
    private let buffer = CanonicalTupleBuffer()
    private let reader: BinaryTupleReader
    /// Per field: what to do with it.
    private var actions: [Action]
    /// False when no field has anything to rewrite (metrics, mostly): rows then pass as they are,
    /// without being written again.
    private var rewrites = false
    /// Per skipped row's key: whether the target must hold it equal (true), or only hold its key.
    private let skipped: [[String?]: Bool]
    /// Called with each row left out, rewritten, and whether the target must hold it equal.
    private let onSkipped: ((BinaryTuple, Bool) -> Void)?
    private let match: [Int]
    private let integers: Set<Int>

    enum Action {
        case keep
        /// An integer id: old to new.
        case id([Int64: Int64])
        /// Text holding an experiment id when field `typeField` says `type`.
        case textId([Int64: Int64], typeField: Int, type: String)
        /// A registered model's name: (workspace, name) to the name in the target.
        case modelName([ModelKey: String], workspaceField: Int?)
        /// A model version: (workspace, name, old) to new.
        case version([VersionKey: Int64], nameField: Int, workspaceField: Int?)
        /// The name of a renamed experiment: (workspace, name) to the new name.
        case experimentName([ModelKey: String], workspaceField: Int?)

        /// True when the action changes no value (nothing to keep but the value itself).
        var isIdentity: Bool {
            switch self {
            case .keep: true
            case .id(let map), .textId(let map, _, _): map.isEmpty
            case .modelName(let map, _), .experimentName(let map, _): map.isEmpty
            case .version(let map, _, _): map.isEmpty
            }
        }
    }

    struct ModelKey: Hashable {
        let workspace: String
        let name: String
    }

    struct VersionKey: Hashable {
        let workspace: String
        let name: String
        let version: Int64
    }

    init(
        _ inner: any TupleReader, table: TableSpec, columns: MergeColumns, record: MergeRecord, source: Int,
        onSkipped: ((BinaryTuple, Bool) -> Void)? = nil
    ) {
        self.onSkipped = onSkipped
        self.inner = inner
        self.table = table
        let names = table.loadedColumns.map(\.name)
        reader = BinaryTupleReader(expectHeader: false, fields: names.count)
        actions = Array(repeating: .keep, count: names.count)
        match = table.matchColumns.compactMap { names.firstIndex(of: $0) }
        integers = Set(table.loadedColumns.indices.filter { [.int4, .int8].contains(table.loadedColumns[$0].pgType) })
        var skipped: [[String?]: Bool] = [:]
        for row in record.skipped where row.source == source && row.table == table.name {
            skipped[row.key] = row.why == MergeRecord.Skipped.equalRow
        }
        self.skipped = skipped
        func field(_ name: String?) -> Int? { name.flatMap { names.firstIndex(of: $0) } }

        for holder in columns.sequenceHolders {
            var map: [Int64: Int64] = [:]
            for change in record.ids where change.source == source && change.table == holder.sequence.table && change.column == holder.sequence.column
            {
                map[change.from] = change.to
            }
            for column in holder.columns where column.table == table.name {
                if let i = field(column.column) { actions[i] = .id(map) }
            }
            if holder.sequence.table == "experiments" {
                for text in columns.textReferences where text.table == table.name {
                    if let i = field(text.idColumn), let t = field(text.typeColumn) { actions[i] = .textId(map, typeField: t, type: text.type) }
                }
                if table.name == "experiments", let i = field("name") {
                    var renamed: [ModelKey: String] = [:]
                    for n in record.names where n.source == source && n.kind == "experiment" && n.action == "renamed" {
                        renamed[ModelKey(workspace: n.workspace ?? "", name: n.name)] = n.target
                    }
                    actions[i] = .experimentName(renamed, workspaceField: field("workspace"))
                }
            }
        }
        if let model = columns.modelReferences.first(where: { $0.table == table.name }), let nameField = field(model.name) {
            var renamed: [ModelKey: String] = [:]
            for n in record.names where n.source == source && n.kind == "registered_model" {
                renamed[ModelKey(workspace: n.workspace ?? "", name: n.name)] = n.target
            }
            actions[nameField] = .modelName(renamed, workspaceField: field(model.workspace))
            if let versionField = field(model.version) {
                var versions: [VersionKey: Int64] = [:]
                for v in record.versions where v.source == source {
                    versions[VersionKey(workspace: v.workspace ?? "", name: v.name, version: v.from)] = v.to
                }
                actions[versionField] = .version(versions, nameField: nameField, workspaceField: field(model.workspace))
            }
        }
        rewrites = actions.contains { !$0.isIdentity }
    }

    func next() throws -> BinaryTuple? {
        guard rewrites else {
            while let tuple = try inner.next() {
                if !skipped.isEmpty, let equal = skipped[key(of: tuple)] {
                    onSkipped?(tuple, equal)
                    continue
                }
                return tuple
            }
            return nil
        }
        while let tuple = try inner.next() {
            buffer.removeAll()
            buffer.beginRow(fields: actions.count)
            for (i, action) in actions.enumerated() { write(field: i, of: tuple, action) }
            var offset = 0
            guard let rewritten = try reader.tuple(in: buffer.bytes, at: &offset) else { return nil }
            if !skipped.isEmpty, let equal = skipped[key(of: rewritten)] {
                onSkipped?(rewritten, equal)
                continue
            }
            return rewritten
        }
        return nil
    }

    /// The match columns of a canonical row as text, as the merge recorded skipped rows.
    private func key(of tuple: BinaryTuple) -> [String?] {
        match.map { i in
            guard let value = tuple.value(i) else { return nil }
            return integers.contains(i) ? String(Self.integer(value)) : String(decoding: value, as: UTF8.self)
        }
    }

    private static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        bytes.count == 8 ? Int64(bigEndian: bytes.loadUnaligned(as: Int64.self)) : 0
    }

    private static func text(_ tuple: BinaryTuple, _ field: Int?) -> String {
        field.flatMap { tuple.value($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private func write(field i: Int, of tuple: BinaryTuple, _ action: Action) {
        guard let value = tuple.value(i) else { return buffer.null() }
        switch action {
        case .keep:
            buffer.raw(value)
        case .id(let map):
            buffer.integer(map[Self.integer(value)] ?? Self.integer(value))
        case .textId(let map, let typeField, let type):
            let text = String(decoding: value, as: UTF8.self)
            if Self.text(tuple, typeField) == type, let old = Int64(text), let new = map[old] {
                Array(String(new).utf8).withUnsafeBytes { buffer.raw($0) }
            } else {
                buffer.raw(value)
            }
        case .modelName(let map, let workspaceField), .experimentName(let map, let workspaceField):
            let name = String(decoding: value, as: UTF8.self)
            if let new = map[ModelKey(workspace: Self.text(tuple, workspaceField), name: name)] {
                Array(new.utf8).withUnsafeBytes { buffer.raw($0) }
            } else {
                buffer.raw(value)
            }
        case .version(let map, let nameField, let workspaceField):
            let old = Self.integer(value)
            let key = VersionKey(workspace: Self.text(tuple, workspaceField), name: Self.text(tuple, nameField), version: old)
            buffer.integer(map[key] ?? old)
        }
    }
}
