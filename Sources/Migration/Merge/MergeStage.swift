import Foundation
import MLflowSchema
import PostgresTarget

/// The SQL of a merge: the staging tables a source is copied into, the id and name maps, and the
/// views that read the staged rows rewritten, as they will be added to the target.
///
/// Everything lives in the session's temporary schema (`pg_temp`): a staging table has the name
/// of the MLflow table it stands for, so the importer's COPY lands there unchanged, and the
/// target's tables are always named with their schema.
struct MergeStage {
    let conn: PGConnection
    let schema: SchemaRevision
    let columns: MergeColumns
    /// The target's schema, quoted.
    let namespace: String

    /// The source rows a view leaves out, and the view's `FROM`.
    struct Rewrite {
        /// `SELECT` list: each loaded column, rewritten where a map applies, under its own name.
        let select: String
        /// `FROM pg_temp.t s LEFT JOIN ...`.
        let from: String
        /// True for a row that is the experiment or model merged into the target's.
        let merged: String?
        /// Conditions true for a row whose id or name has no entry in the maps.
        let dangling: [(column: String, condition: String, value: String)]
    }

    /// Tables whose source rows are left out when the target holds an equal row: tags of an
    /// experiment or model merged into the target's, and MLflow's default workspace.
    static let equalRowsSkipped: Set<String> = ["workspaces", "experiment_tags", "registered_model_tags"]

    init(_ conn: PGConnection, _ schema: SchemaRevision, namespace: String) {
        self.conn = conn
        self.schema = schema
        self.columns = MergeColumns(schema)
        self.namespace = conn.quoteIdentifier(namespace)
    }

    /// An identifier, quoted.
    func q(_ name: String) -> String { conn.quoteIdentifier(name) }
    /// A table of the target, qualified by its schema.
    func target(_ table: String) -> String { "\(namespace).\(q(table))" }
    /// The staging table of an MLflow table.
    func staged(_ table: String) -> String { "pg_temp.\(q(table))" }
    /// The map of the `index`-th sequence's ids (`MergeColumns.sequenceHolders`).
    func idMap(_ index: Int) -> String { "pg_temp.mlflow_pg_migrate_ids_\(index)" }
    /// Registered models: (workspace, name) to the name in the target, and whether merged into the target's.
    let modelMap = "pg_temp.mlflow_pg_migrate_models"
    /// Model versions: (workspace, name, old) to the number in the target.
    let versionMap = "pg_temp.mlflow_pg_migrate_versions"
    /// The view of a table's rewritten rows: all of them, or (default) those to add.
    func view(_ table: String, all: Bool = false) -> String { "pg_temp.\(q((all ? "mlflow_pg_migrate_r_" : "mlflow_pg_migrate_") + table))" }

    /// The tables a merge adds rows to: all but alembic_version (the target is at the revision).
    var mergedTables: [TableSpec] { schema.tables.filter { $0.name != "alembic_version" } }

    /// Creates the staging tables, the maps and the views (once per merge).
    func create() throws {
        for table in schema.tables {
            try conn.execute(
                "CREATE TEMP TABLE \(q(table.name)) (LIKE \(target(table.name)))", operation: "creating a staging table for \(table.name)")
        }
        for index in columns.sequenceHolders.indices {
            try conn.execute(
                "CREATE TEMP TABLE mlflow_pg_migrate_ids_\(index) (old bigint PRIMARY KEY, new bigint NOT NULL, merged boolean NOT NULL, new_name text)",
                operation: "creating the merge's id map")
        }
        try conn.execute(
            "CREATE TEMP TABLE mlflow_pg_migrate_models (workspace text NOT NULL, name text NOT NULL, new_name text NOT NULL, merged boolean NOT NULL, PRIMARY KEY (workspace, name))",
            operation: "creating the merge's model map")
        try conn.execute(
            "CREATE TEMP TABLE mlflow_pg_migrate_versions (workspace text NOT NULL, name text NOT NULL, old bigint NOT NULL, new bigint NOT NULL, PRIMARY KEY (workspace, name, old))",
            operation: "creating the merge's version map")
        for table in mergedTables {
            let r = rewrite(table)
            let all = "SELECT \(r.select) \(r.from)" + (r.merged.map { " WHERE NOT (\($0))" } ?? "")
            try conn.execute(
                "CREATE TEMP VIEW \(q("mlflow_pg_migrate_r_" + table.name)) AS \(all)", operation: "creating the merge view of \(table.name)")
            var filtered = "SELECT * FROM \(view(table.name, all: true)) r"
            if Self.equalRowsSkipped.contains(table.name) { filtered += " WHERE NOT EXISTS (\(equalRow(table)))" }
            try conn.execute(
                "CREATE TEMP VIEW \(q("mlflow_pg_migrate_" + table.name)) AS \(filtered)", operation: "creating the merge view of \(table.name)")
        }
    }

    /// Empties the staging tables and maps for the next source.
    func clear() throws {
        let names = schema.tables.map { staged($0.name) } + columns.sequenceHolders.indices.map(idMap) + [modelMap, versionMap]
        try conn.execute("TRUNCATE \(names.joined(separator: ", "))", operation: "emptying the staging tables")
    }

    /// `SELECT 1 FROM target x WHERE` x equals the view row `r` in every column.
    private func equalRow(_ table: TableSpec) -> String {
        let names = table.loadedColumns.map { q($0.name) }
        return
            "SELECT 1 FROM \(target(table.name)) x WHERE (\(names.map { "x.\($0)" }.joined(separator: ", "))) IS NOT DISTINCT FROM (\(names.map { "r.\($0)" }.joined(separator: ", ")))"
    }

    /// The rewritten reading of one staged table.
    func rewrite(_ table: TableSpec) -> Rewrite {
        var joins: [String] = []
        var expressions: [String: String] = [:]
        var merged: [String] = []
        var dangling: [(String, String, String)] = []
        for (index, holder) in columns.sequenceHolders.enumerated() {
            for column in holder.columns where column.table == table.name {
                let alias = "j\(joins.count)"
                joins.append("LEFT JOIN \(idMap(index)) \(alias) ON \(alias).old = s.\(q(column.column))")
                expressions[column.column] = "\(alias).new"
                if column == holder.columns[0] {
                    merged.append("\(alias).merged")
                    if table.column("name") != nil { expressions["name"] = "COALESCE(\(alias).new_name, s.\(q("name")))" }
                }
                dangling.append((column.column, "s.\(q(column.column)) IS NOT NULL AND \(alias).old IS NULL", "s.\(q(column.column))::text"))
            }
        }
        if let experiments = columns.sequenceHolders.firstIndex(where: { $0.sequence.table == "experiments" }) {
            for text in columns.textReferences where text.table == table.name {
                let type = "s.\(q(text.typeColumn))", id = "s.\(q(text.idColumn))"
                let lookup = "(SELECT m.new::text FROM \(idMap(experiments)) m WHERE m.old::text = \(id))"
                expressions[text.idColumn] = "CASE WHEN \(type) = '\(text.type)' THEN \(lookup) ELSE \(id) END"
                dangling.append((text.idColumn, "\(type) = '\(text.type)' AND \(lookup) IS NULL", id))
            }
        }
        if let model = columns.modelReferences.first(where: { $0.table == table.name }) {
            let workspace = model.workspace.map { " AND mm.workspace = s.\(q($0))" } ?? ""
            joins.append("LEFT JOIN \(modelMap) mm ON mm.name = s.\(q(model.name))\(workspace)")
            expressions[model.name] = "mm.new_name"
            dangling.append((model.name, "s.\(q(model.name)) IS NOT NULL AND mm.name IS NULL", "s.\(q(model.name))::text"))
            if table.name == "registered_models" { merged.append("mm.merged") }
            if let version = model.version {
                let workspace = model.workspace.map { " AND mv.workspace = s.\(q($0))" } ?? ""
                joins.append("LEFT JOIN \(versionMap) mv ON mv.name = s.\(q(model.name))\(workspace) AND mv.old = s.\(q(version))")
                expressions[version] = "mv.new"
                dangling.append((version, "s.\(q(version)) IS NOT NULL AND mv.old IS NULL", "s.\(q(version))::text"))
            }
        }
        let select = table.loadedColumns.map { c in "\(expressions[c.name] ?? "s.\(q(c.name))") AS \(q(c.name))" }.joined(separator: ", ")
        return Rewrite(
            select: select, from: "FROM \(staged(table.name)) s " + joins.joined(separator: " "),
            merged: merged.isEmpty ? nil : merged.joined(separator: " OR "), dangling: dangling)
    }

    /// The unique keys (primary key, UNIQUE constraints and indexes) of a table that a merged row
    /// could collide on.
    ///
    /// A key that contains a whole foreign key to a table whose own rows are all new (runs, traces,
    /// logged models: ids unique everywhere) cannot collide when its parent does not, so it is not
    /// checked: that spares reading `metrics` twice.
    /// Ids that are kept and unique everywhere but are not a key of their table (a dataset's and an
    /// input's uuid) are checked as if they were.
    func collidableKeys(_ table: TableSpec) -> [UniqueSpec] {
        let mergeable: Set<String> = ["experiments", "registered_models", "workspaces", table.name]
        var keys = (schema.uniqueKeys + schema.uniqueIndexes).filter { $0.table == table.name }
        for (name, column) in [("datasets", "dataset_uuid"), ("inputs", "input_uuid")] where table.name == name && table.column(column) != nil {
            if !keys.contains(where: { $0.columns == [column] }) { keys.append(UniqueSpec(name: "kept id", table: name, columns: [column])) }
        }
        return keys.filter { key in
            !schema.foreignKeys.contains { fk in fk.table == table.name && !mergeable.contains(fk.parent) && Set(fk.columns).isSubset(of: key.columns)
            }
        }
    }

    /// The rows of a view whose `key` the target holds already: up to `limit` keys as text, and how many.
    func collisions(_ table: TableSpec, key: UniqueSpec, limit: Int) throws -> (keys: [[String?]], total: Int) {
        let cols = key.columns.map(q)
        let sql = """
            SELECT \(cols.map { "r.\($0)::text" }.joined(separator: ", ")), count(*) OVER () FROM \(view(table.name)) r
            WHERE EXISTS (SELECT 1 FROM \(target(table.name)) x WHERE \(cols.map { "x.\($0) = r.\($0)" }.joined(separator: " AND ")))
            ORDER BY 1 LIMIT \(limit)
            """
        let rows = try conn.query(sql, operation: "checking \(table.name) for rows the target holds already").rows
        return (rows.map { Array($0.dropLast()) }, rows.first.flatMap { $0.last ?? nil }.flatMap { Int($0) } ?? 0)
    }

    /// Staged rows that refer to an id or name the source does not hold: per column, how many and one value.
    func dangling(_ table: TableSpec) throws -> [(column: String, rows: Int, example: String)] {
        let r = rewrite(table)
        return try r.dangling.compactMap { column, condition, value in
            let row = try conn.query(
                "SELECT count(*), min(\(value)) \(r.from) WHERE \(condition)", operation: "checking \(table.name).\(column) against the source's ids"
            ).rows.first
            let count = Int(row?[0] ?? "0") ?? 0
            return count == 0 ? nil : (column, count, row?[1] ?? "NULL")
        }
    }

    /// Rows of MLflow's SQL rollups (per experiment and day, summed by MLflow) that belong to an
    /// experiment merged into the target's: added beside the target's rows of the same day, they
    /// would count twice.
    func rollupsOfMergedExperiments(_ table: TableSpec) throws -> Int {
        guard table.name.hasPrefix("sql_"), table.name.hasSuffix("_rollups"), table.column("experiment_id") != nil,
            let index = columns.sequenceHolders.firstIndex(where: { $0.sequence.table == "experiments" })
        else { return 0 }
        let sql = "SELECT count(*) FROM \(staged(table.name)) s JOIN \(idMap(index)) m ON m.old = s.experiment_id WHERE m.merged"
        return Int(try conn.query(sql, operation: "checking \(table.name) for rows of merged experiments").scalar ?? "0") ?? 0
    }

    /// The match-column values (as text) of the staged rows a view leaves out, with why.
    func skippedRows(_ table: TableSpec) throws -> [(key: [String?], why: String)] {
        let match = table.matchColumns.map { "r.\(q($0))::text" }.joined(separator: ", ")
        var out: [(key: [String?], why: String)] = []
        let r = rewrite(table)
        if let merged = r.merged {
            let rows = try conn.query("SELECT \(match) FROM (SELECT \(r.select) \(r.from) WHERE \(merged)) r ORDER BY 1").rows
            out += rows.map { ($0, "merged into the target's \(table.name == "experiments" ? "experiment" : "registered model") of that name") }
        }
        if Self.equalRowsSkipped.contains(table.name) {
            let rows = try conn.query("SELECT \(match) FROM \(view(table.name, all: true)) r WHERE EXISTS (\(equalRow(table))) ORDER BY 1").rows
            out += rows.map { ($0, MergeRecord.Skipped.equalRow) }
        }
        return out
    }

    /// A merge of at least this many rows into one table drops the table's foreign keys first.
    static let bulkRows = 100_000

    /// For a large merge into a table this role owns: the statements that drop its foreign keys
    /// (and, when the merge at least doubles the table and nothing refers to it, its keys and
    /// indexes) before the insert, and those that add them back after; nil otherwise.
    ///
    /// A foreign key is checked by a trigger per row (on a million metric rows, 24 of the 38 s);
    /// added back, it is checked by one join. Dropping takes an ACCESS EXCLUSIVE lock: MLflow's
    /// reads of the table and its parents then wait for the merge too. A TimescaleDB hypertable
    /// keeps its keys (its chunks carry their own).
    func bulkKeys(_ table: TableSpec, adding rows: Int) throws -> (drop: [String], add: [String])? {
        guard rows >= Self.bulkRows else { return nil }
        let relation = target(table.name)
        let facts = try conn.query(
            """
            SELECT pg_has_role(relowner, 'USAGE'), relhassubclass, reltuples::bigint,
                   EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = c.oid AND contype = 'f'), relreplident
            FROM pg_class c WHERE oid = $1::regclass
            """, [relation], operation: "looking at \(table.name) before a bulk insert"
        ).rows.first
        guard facts?[0] == "t", facts?[1] == "f" else { return nil }
        // reltuples is -1 for a table never vacuumed or analyzed: then count.
        var existing = Int(facts?[2] ?? "-1") ?? -1
        if existing < 0 { existing = Int(try conn.query("SELECT count(*) FROM \(relation)").scalar ?? "0") ?? 0 }
        // A replica identity index would be lost with the index: keep the indexes then.
        let rebuildIndexes = facts?[3] == "f" && facts?[4] != "i" && rows >= existing
        let constraints = try conn.query(
            """
            SELECT quote_ident(conname), contype, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype = 'f', conname
            """, [relation]
        ).rows.map { (name: $0[0] ?? "", foreign: $0[1] == "f", definition: $0[2] ?? "") }
        let chosen = constraints.filter { $0.foreign || rebuildIndexes }
        var drop = chosen.reversed().map { "ALTER TABLE ONLY \(relation) DROP CONSTRAINT \($0.name)" }
        var add = chosen.map { "ALTER TABLE ONLY \(relation) ADD CONSTRAINT \($0.name) \($0.definition)" }
        if rebuildIndexes {
            let indexes = try conn.query(
                """
                SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
                WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
                ORDER BY ic.relname
                """, [relation]
            ).rows
            drop += indexes.map { "DROP INDEX \($0[0] ?? "")" }
            add.insert(contentsOf: indexes.map { $0[1] ?? "" }, at: add.firstIndex { $0.contains(" FOREIGN KEY ") } ?? add.count)
        }
        return drop.isEmpty ? nil : (drop, add)
    }

    /// Adds a view's rows to the target table; returns how many.
    func insert(_ table: TableSpec) throws -> Int {
        let names = table.loadedColumns.map { q($0.name) }.joined(separator: ", ")
        let sql =
            "WITH added AS (INSERT INTO \(target(table.name)) (\(names)) SELECT \(names) FROM \(view(table.name)) RETURNING 1) SELECT count(*) FROM added"
        return Int(try conn.query(sql, operation: "adding the rows of \(table.name)").scalar ?? "0") ?? 0
    }

    /// How many rows a view would add.
    func count(_ table: TableSpec) throws -> Int {
        Int(try conn.query("SELECT count(*) FROM \(view(table.name))", operation: "counting the rows of \(table.name) to add").scalar ?? "0") ?? 0
    }
}
