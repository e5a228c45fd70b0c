import MLflowSchema

/// Where one revision's schema holds the ids and names a merge rewrites, read from its keys.
///
/// - Sequence ids (experiments, and any other serial column) get new values from the target's
///   sequence; every column that refers to one by foreign key follows it. MLflow also keeps
///   experiment ids without a foreign key (`assessments`, the SQL rollups), so every `integer`
///   column named `experiment_id` follows experiments, and `entity_associations` rows of type
///   `experiment` hold one as text.
/// - Registered models (and prompts, which MLflow keeps in the same tables) are known by name;
///   the tables that refer to a model or one of its versions carry its name and version.
/// - Everything else (run, dataset, trace, logged-model ids) is globally unique and kept.
struct MergeColumns {
    /// A column of a table.
    struct Column: Hashable, Comparable {
        let table: String
        let column: String
        static func < (a: Column, b: Column) -> Bool { (a.table, a.column) < (b.table, b.column) }
    }

    /// A table that refers to registered models: the columns holding the model's name, its
    /// workspace (MLflow 3.x) and a version number, if any.
    struct ModelReference {
        let table: String
        let name: String
        let workspace: String?
        let version: String?
    }

    /// The columns of `entity_associations` that hold an experiment id as text when the type
    /// column beside them says `experiment`.
    struct TextReference {
        let table: String
        let typeColumn: String
        let idColumn: String
        let type: String
    }

    let schema: SchemaRevision
    /// Each sequence, and the columns holding its ids (its own column first).
    let sequenceHolders: [(sequence: SequenceSpec, columns: [Column])]
    /// Experiment ids held as text.
    let textReferences: [TextReference]
    /// Tables holding registered model names, `registered_models` first.
    let modelReferences: [ModelReference]

    init(_ schema: SchemaRevision) {
        self.schema = schema
        sequenceHolders = schema.sequences.map { ($0, Self.holders(of: Column(table: $0.table, column: $0.column), in: schema)) }
        var text: [TextReference] = []
        if let table = schema.table("entity_associations") {
            for side in ["source", "destination"] where table.column("\(side)_type") != nil && table.column("\(side)_id") != nil {
                text.append(.init(table: table.name, typeColumn: "\(side)_type", idColumn: "\(side)_id", type: "experiment"))
            }
        }
        textReferences = text
        var models: [ModelReference] = []
        if let registered = schema.table("registered_models"), registered.column("name") != nil {
            models.append(
                .init(table: registered.name, name: "name", workspace: registered.column("workspace") == nil ? nil : "workspace", version: nil))
            for table in schema.tables where table.name != registered.name {
                guard
                    let fk = schema.foreignKeys.first(where: {
                        $0.table == table.name && ["registered_models", "model_versions"].contains($0.parent)
                    })
                else { continue }
                func local(_ parentColumn: String) -> String? { zip(fk.columns, fk.parentColumns).first { $0.1 == parentColumn }?.0 }
                guard let name = local("name") else { continue }
                let version = local("version") ?? (table.column("version") != nil ? "version" : nil)
                models.append(.init(table: table.name, name: name, workspace: local("workspace"), version: version))
            }
            if let versions = schema.table("model_versions"), !models.contains(where: { $0.table == versions.name }) {
                models.append(
                    .init(table: versions.name, name: "name", workspace: versions.column("workspace") == nil ? nil : "workspace", version: "version"))
            }
        }
        modelReferences = models
    }

    /// The sequence whose ids `column` holds, if any.
    func sequence(holding column: Column) -> SequenceSpec? {
        sequenceHolders.first { $0.columns.contains(column) }?.sequence
    }

    /// The experiments sequence's holders, or none for a revision without one.
    var experimentColumns: [Column] {
        sequenceHolders.first { $0.sequence.table == "experiments" }?.columns ?? []
    }

    /// A sequence's own column and every column that holds its ids, by foreign key (transitively)
    /// and, for experiments, by name.
    static func holders(of start: Column, in schema: SchemaRevision) -> [Column] {
        var found: [Column] = [start]
        if start.table == "experiments" && start.column == "experiment_id" {
            for table in schema.tables where table.name != "experiments" {
                if let c = table.column("experiment_id"), c.pgType == .int4 || c.pgType == .int8 {
                    found.append(Column(table: table.name, column: "experiment_id"))
                }
            }
        }
        var changed = true
        while changed {
            changed = false
            for fk in schema.foreignKeys {
                for (column, parentColumn) in zip(fk.columns, fk.parentColumns) where found.contains(Column(table: fk.parent, column: parentColumn)) {
                    let holder = Column(table: fk.table, column: column)
                    if !found.contains(holder) {
                        found.append(holder)
                        changed = true
                    }
                }
            }
        }
        return [start] + found.dropFirst().sorted()
    }
}
