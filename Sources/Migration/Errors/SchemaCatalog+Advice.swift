import MLflowSchema

extension SchemaCatalog {
    /// What to do with a store at an unsupported revision, naming the nearest supported revisions.
    func advice(forUnsupported revision: String) -> String {
        func name(_ r: Entry) -> String { "\(r.revision) (MLflow \(r.mlflowVersions.joined(separator: ", ")))" }
        func upgrade(_ r: Entry) -> String {
            let version = r.mlflowVersions.last ?? ""
            return "Upgrade a copy of the file with MLflow \(version) (`pip install mlflow==\(version)`, then "
                + "`mlflow db upgrade sqlite:///COPY`) and migrate the copy."
        }
        switch nearest(to: revision) {
        case let (before?, after?)?:
            return "It lies between the supported revisions \(name(before)) and \(name(after)). " + upgrade(after)
        case let (nil, after?)?:
            return "It is older than every supported revision; the nearest is \(name(after)). " + upgrade(after)
        case let (before?, nil)?:
            return "It is newer than every supported revision (the newest is \(name(before))): "
                + "it needs a newer mlflow-pg-migrate."
        default:
            return "It is not a revision in MLflow's migration chain. Supported: \(supportedSummary)."
        }
    }
}
