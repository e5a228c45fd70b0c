import Foundation
import MLflowSchema
import PostgresTarget

/// Decides, source by source, the new ids of a merge and what happens to names the target has,
/// and fills the maps `MergeStage`'s views read.
struct NameBook {
    let stage: MergeStage
    let policy: NameConflictPolicy
    let dryRun: Bool
    /// A dry run's next value per sequence: it predicts ids without `nextval`.
    private var predicted: [String: Int64] = [:]

    init(stage: MergeStage, policy: NameConflictPolicy, dryRun: Bool) {
        self.stage = stage
        self.policy = policy
        self.dryRun = dryRun
    }

    private var conn: PGConnection { stage.conn }
    private var schema: SchemaRevision { stage.schema }

    /// Fills the maps for the staged source; returns the name conflicts the policy refuses.
    mutating func map(source: any MigrationSource, ordinal: Int, into record: inout MergeRecord) throws -> [String] {
        var conflicts: [String] = []
        for (index, holder) in stage.columns.sequenceHolders.enumerated() {
            if holder.sequence.table == "experiments" {
                conflicts += try mapExperiments(index, holder.sequence, source: source, ordinal: ordinal, into: &record)
            } else {
                let column = stage.q(holder.sequence.column)
                let old = try conn.query("SELECT \(column) FROM \(stage.staged(holder.sequence.table)) WHERE \(column) IS NOT NULL ORDER BY 1").rows
                    .compactMap { $0[0].flatMap { Int64($0) } }
                let new = try allocate(holder.sequence, old.count)
                try fill(index, old: old, new: new, merged: old.map { _ in false }, names: old.map { _ in nil })
                for (from, to) in zip(old, new) where from != to {
                    record.ids.append(.init(source: ordinal, table: holder.sequence.table, column: holder.sequence.column, from: from, to: to))
                }
            }
        }
        if schema.table("registered_models") != nil {
            conflicts += try mapModels(source: source, ordinal: ordinal, into: &record)
        }
        return conflicts
    }

    /// `COALESCE(workspace, '')` where the table has MLflow 3's workspace column, else `''`.
    private func workspace(_ table: String) -> String {
        schema.table(table)?.column("workspace") != nil ? "COALESCE(\(stage.q("workspace")), '')" : "''"
    }

    private mutating func mapExperiments(
        _ index: Int, _ sequence: SequenceSpec, source: any MigrationSource, ordinal: Int, into record: inout MergeRecord
    ) throws -> [String] {
        let ws = workspace("experiments")
        let created = schema.table("experiments")?.column("creation_time") != nil ? "creation_time::text" : "NULL"
        let staged = try conn.query(
            "SELECT experiment_id, name, \(ws), \(created) FROM \(stage.staged("experiments")) ORDER BY experiment_id",
            operation: "reading the source's experiments"
        ).rows
        let existing = try conn.query(
            "SELECT experiment_id, name, \(ws), lifecycle_stage, \(created) FROM \(stage.target("experiments"))",
            operation: "reading the target's experiments"
        ).rows
        var byName: [String: (id: Int64, stage: String, created: String?)] = [:]
        for row in existing { byName[(row[2] ?? "") + "\u{1f}" + (row[1] ?? "")] = (Int64(row[0] ?? "") ?? 0, row[3] ?? "", row[4]) }
        var conflicts: [String] = []
        var old: [Int64] = [], new: [Int64?] = [], merged: [Bool] = [], names: [String?] = []
        // Every name the target or this source holds: a new name must be none of them.
        var taken = Set(byName.keys).union(staged.map { ($0[2] ?? "") + "\u{1f}" + ($0[1] ?? "") })
        for row in staged {
            guard let id = Int64(row[0] ?? "") else { continue }
            let name = row[1] ?? "", space = row[2] ?? ""
            old.append(id)
            guard let existing = byName[space + "\u{1f}" + name] else {
                taken.insert(space + "\u{1f}" + name)
                new.append(nil)
                merged.append(false)
                names.append(nil)
                continue
            }
            func change(_ action: String, _ target: String) {
                record.names.append(
                    .init(source: ordinal, kind: "experiment", workspace: space.isEmpty ? nil : space, name: name, action: action, target: target))
            }
            if id == 0 && name == "Default", try !hasDependents(experiment: 0) {
                new.append(existing.id)
                merged.append(true)
                names.append(nil)
                change("merged", name)
                continue
            }
            switch policy {
            case .refuse, .merge:
                new.append(existing.id)
                merged.append(true)
                names.append(nil)
                if policy == .refuse {
                    conflicts.append(
                        "\(source.path): experiment \(displayName(name)) (id \(id)) exists in the target as experiment \(existing.id)")
                } else if existing.stage == "deleted" {
                    conflicts.append(
                        "\(source.path): experiment \(displayName(name)) (id \(id)) would merge into the target's experiment \(existing.id), which is deleted:"
                            + " restore it (mlflow experiments restore) or use --on-name-conflict rename")
                } else {
                    change("merged", name)
                }
            case .rename:
                let renamed = NameConflictPolicy.renamed(name, from: source.path) { taken.contains(space + "\u{1f}" + $0) }
                taken.insert(space + "\u{1f}" + renamed)
                // The same experiment renamed by an earlier merge of this store: adding it again would duplicate it.
                let base = space + "\u{1f}" + NameConflictPolicy.renamed(name, from: source.path) { _ in false }.dropLast()
                let earlier = byName.first {
                    ($0.key.hasPrefix(base) || $0.key == space + "\u{1f}" + name) && $0.value.created != nil && $0.value.created == row[3]
                }
                if let earlier {
                    conflicts.append(
                        "\(source.path): experiment \(displayName(name)) (id \(id)) was merged before, as experiment \(earlier.value.id)")
                } else if let limit = nameLimit("experiments"), renamed.count > limit {
                    conflicts.append(
                        "\(source.path): experiment \(displayName(name)) (id \(id)) cannot be renamed: \(displayName(renamed)) is longer than \(limit) characters; rename it in a copy of the source"
                    )
                } else {
                    change("renamed", renamed)
                }
                new.append(earlier?.value.id)
                merged.append(earlier != nil)
                names.append(earlier == nil ? renamed : nil)
            }
        }
        var allocated = try allocate(sequence, new.filter { $0 == nil }.count).makeIterator()
        let ids = new.map { $0 ?? allocated.next()! }
        try fill(index, old: old, new: ids, merged: merged, names: names)
        for (from, to) in zip(old, ids) where from != to {
            record.ids.append(.init(source: ordinal, table: "experiments", column: "experiment_id", from: from, to: to))
        }
        return conflicts
    }

    /// True when any staged row refers to this experiment.
    private func hasDependents(experiment id: Int64) throws -> Bool {
        var probes: [String] = []
        for column in stage.columns.experimentColumns.dropFirst() {
            probes.append("SELECT 1 FROM \(stage.staged(column.table)) WHERE \(stage.q(column.column)) = \(id)")
        }
        for text in stage.columns.textReferences {
            probes.append(
                "SELECT 1 FROM \(stage.staged(text.table)) WHERE \(stage.q(text.typeColumn)) = '\(text.type)' AND \(stage.q(text.idColumn)) = '\(id)'"
            )
        }
        guard !probes.isEmpty else { return false }
        return try conn.query("SELECT EXISTS (\(probes.joined(separator: " UNION ALL ")))").scalar == "t"
    }

    private mutating func mapModels(source: any MigrationSource, ordinal: Int, into record: inout MergeRecord) throws -> [String] {
        let ws = workspace("registered_models"), versionWs = workspace("model_versions")
        let created = schema.table("registered_models")?.column("creation_time") != nil ? "creation_time::text" : "NULL"
        let staged = try conn.query(
            "SELECT \(ws), name, \(created) FROM \(stage.staged("registered_models")) ORDER BY 1, 2",
            operation: "reading the source's registered models"
        ).rows
        let versions = try conn.query("SELECT \(versionWs), name, version FROM \(stage.staged("model_versions")) ORDER BY 1, 2, 3").rows
        var existingCreated: [String: String?] = [:]
        for row in try conn.query(
            "SELECT \(ws), name, \(created) FROM \(stage.target("registered_models"))", operation: "reading the target's registered models"
        ).rows {
            existingCreated[(row[0] ?? "") + "\u{1f}" + (row[1] ?? "")] = row[2]
        }
        let existing = Set(existingCreated.keys)
        var latest: [String: Int64] = [:]
        for row in try conn.query("SELECT \(versionWs), name, max(version) FROM \(stage.target("model_versions")) GROUP BY 1, 2").rows {
            latest[(row[0] ?? "") + "\u{1f}" + (row[1] ?? "")] = Int64(row[2] ?? "") ?? 0
        }
        // MLflow links traces and runs to a prompt version by name and number in tags (JSON), which a merge does not rewrite.
        let prompts = try promptNames()
        var conflicts: [String] = []
        var taken = existing.union(staged.map { ($0[0] ?? "") + "\u{1f}" + ($0[1] ?? "") })
        var modelRows: [[String?]] = []
        var renumbered: Set<String> = []
        var newNames: [String: String] = [:]
        for row in staged {
            let space = row[0] ?? "", name = row[1] ?? "", key = space + "\u{1f}" + name
            guard existing.contains(key) else {
                taken.insert(key)
                modelRows.append([space, name, name, "f"])
                newNames[key] = name
                continue
            }
            if prompts.contains(key) {
                modelRows.append([space, name, name, "t"])
                newNames[key] = name
                renumbered.insert(key)
                conflicts.append(
                    "\(source.path): prompt \(displayName(name)) exists in the target; MLflow links traces and runs to a prompt version by its name"
                        + " and number, which no policy may change: rename it in a copy of the source (or delete one of the two), then merge")
                continue
            }
            switch policy {
            case .refuse, .merge:
                modelRows.append([space, name, name, "t"])
                newNames[key] = name
                renumbered.insert(key)
                if policy == .refuse {
                    conflicts.append("\(source.path): registered model \(displayName(name)) exists in the target")
                } else {
                    record.names.append(
                        .init(
                            source: ordinal, kind: "registered_model", workspace: space.isEmpty ? nil : space, name: name, action: "merged",
                            target: name))
                }
            case .rename:
                let renamed = NameConflictPolicy.renamed(name, from: source.path) { taken.contains(space + "\u{1f}" + $0) }
                taken.insert(space + "\u{1f}" + renamed)
                let base = space + "\u{1f}" + NameConflictPolicy.renamed(name, from: source.path) { _ in false }.dropLast()
                if let earlier = existingCreated.first(where: { ($0.key.hasPrefix(base) || $0.key == key) && $0.value != nil && $0.value == row[2] })
                {
                    conflicts.append(
                        "\(source.path): registered model \(displayName(name)) was merged before, as \(displayName(String(earlier.key.split(separator: "\u{1f}").last ?? "")))"
                    )
                    modelRows.append([space, name, name, "t"])
                    newNames[key] = name
                    renumbered.insert(key)
                    continue
                }
                if let limit = nameLimit("registered_models"), renamed.count > limit {
                    conflicts.append(
                        "\(source.path): registered model \(displayName(name)) cannot be renamed: \(displayName(renamed)) is longer than \(limit) characters; rename it in a copy of the source"
                    )
                }
                modelRows.append([space, name, renamed, "f"])
                newNames[key] = renamed
                record.names.append(
                    .init(
                        source: ordinal, kind: "registered_model", workspace: space.isEmpty ? nil : space, name: name, action: "renamed",
                        target: renamed))
            }
        }
        conflicts += try versionsMergedBefore(renumbered: renumbered, prompts: prompts, source: source)
        var versionRows: [[String?]] = []
        var next: [String: Int64] = [:]
        for row in versions {
            let space = row[0] ?? "", name = row[1] ?? "", key = space + "\u{1f}" + name
            guard let old = Int64(row[2] ?? "") else { continue }
            var new = old
            if renumbered.contains(key) {
                new = (next[key] ?? latest[key] ?? 0) + 1
                next[key] = new
                record.versions.append(
                    .init(source: ordinal, workspace: space.isEmpty ? nil : space, name: newNames[key] ?? name, from: old, to: new))
            }
            versionRows.append([space, name, String(old), String(new)])
        }
        try insertRows(stage.modelMap, columns: ["workspace", "name", "new_name", "merged"], types: ["text", "text", "text", "boolean"], modelRows)
        try insertRows(stage.versionMap, columns: ["workspace", "name", "old", "new"], types: ["text", "text", "bigint", "bigint"], versionRows)
        return conflicts
    }

    /// Source versions of models merged into the target's that the target holds already (the same
    /// creation time, source and run): the store was merged before, and adding them again after
    /// the target's versions would duplicate them.
    private func versionsMergedBefore(renumbered: Set<String>, prompts: Set<String>, source: any MigrationSource) throws -> [String] {
        guard policy == .merge, let versions = schema.table("model_versions"), versions.column("creation_time") != nil else { return [] }
        let ws = versions.column("workspace") != nil ? "COALESCE(s.workspace, '')" : "''"
        let sameWorkspace = versions.column("workspace") != nil ? " AND t.workspace IS NOT DISTINCT FROM s.workspace" : ""
        let rows = try conn.query(
            """
            SELECT \(ws), s.name, count(*) FROM \(stage.staged("model_versions")) s
            WHERE EXISTS (SELECT 1 FROM \(stage.target("model_versions")) t WHERE t.name = s.name\(sameWorkspace) AND t.creation_time = s.creation_time
                AND t.source IS NOT DISTINCT FROM s.source AND t.run_id IS NOT DISTINCT FROM s.run_id)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, operation: "looking for model versions merged before"
        ).rows
        return rows.compactMap { row in
            let key = (row[0] ?? "") + "\u{1f}" + (row[1] ?? "")
            guard renumbered.contains(key), !prompts.contains(key) else { return nil }
            return "\(source.path): \(row[2] ?? "?") version(s) of registered model \(displayName(row[1] ?? "")) are in the target already"
                + " (the same creation time, source and run): the store was merged before"
        }
    }

    /// The longest name a table's `name` column takes, if it has a limit.
    private func nameLimit(_ table: String) -> Int? {
        if case .text(let limit)? = schema.table(table)?.column("name")?.pgType { return limit }
        return nil
    }

    /// The registered models (workspace and name) that are prompts, in the staged source or the target.
    private func promptNames() throws -> Set<String> {
        guard let tags = schema.table("registered_model_tags"), tags.column("key") != nil else { return [] }
        let ws = workspace("registered_model_tags")
        var out: Set<String> = []
        for relation in [stage.staged(tags.name), stage.target(tags.name)] {
            let rows = try conn.query("SELECT \(ws), name FROM \(relation) WHERE key = 'mlflow.prompt.is_prompt' AND value = 'true'").rows
            out.formUnion(rows.map { ($0[0] ?? "") + "\u{1f}" + ($0[1] ?? "") })
        }
        return out
    }

    /// `count` new values of a sequence: `nextval`, or in a dry run the values it would return.
    private mutating func allocate(_ sequence: SequenceSpec, _ count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        let name = "\(stage.namespace).\(stage.q(sequence.name))"
        if dryRun {
            let first =
                try predicted[sequence.name]
                ?? Int64(conn.query("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM \(name)").scalar ?? "1") ?? 1
            predicted[sequence.name] = first + Int64(count)
            return (0..<Int64(count)).map { first + $0 }
        }
        return try conn.query("SELECT nextval($1::regclass) FROM generate_series(1, \(count))", [name], operation: "taking ids from \(sequence.name)")
            .rows.compactMap { $0[0].flatMap { Int64($0) } }
    }

    private func fill(_ index: Int, old: [Int64], new: [Int64], merged: [Bool], names: [String?]) throws {
        let rows = (0..<old.count).map { [String(old[$0]), String(new[$0]), merged[$0] ? "t" : "f", names[$0]] }
        try insertRows(stage.idMap(index), columns: ["old", "new", "merged", "new_name"], types: ["bigint", "bigint", "boolean", "text"], rows)
    }

    /// Inserts rows into a map table in one statement (`unnest` of one array parameter per column).
    private func insertRows(_ table: String, columns: [String], types: [String], _ rows: [[String?]]) throws {
        guard !rows.isEmpty else { return }
        let arrays = columns.indices.map { c in Self.arrayLiteral(rows.map { $0[c] }) }
        let params = types.enumerated().map { "$\($0.offset + 1)::\($0.element)[]" }.joined(separator: ", ")
        try conn.query(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT * FROM unnest(\(params))", arrays, operation: "filling \(table)")
    }

    /// A PostgreSQL array literal of text elements (`{"a","b",NULL}`).
    static func arrayLiteral(_ values: [String?]) -> String {
        "{"
            + values.map { value in
                guard let value else { return "NULL" }
                return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }.joined(separator: ",") + "}"
    }
}
