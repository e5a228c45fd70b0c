/// What a merge does with a source experiment or registered model whose name the target already has.
public enum NameConflictPolicy: String, CaseIterable, Sendable, Codable {
    /// List every such name and write nothing (the default).
    case refuse
    /// Put the source's content into the target's experiment or model of that name: runs and the
    /// rest under the target's experiment id; model versions numbered after the target's.
    case merge
    /// Add the source's experiment or model under a new name: `NAME (merged from FILE)`, with
    /// `, 2`, `, 3` ... before the parenthesis closes while that name is taken too.
    case rename

    /// The name a renamed experiment or model gets: the first of the forms that `taken` does not hold.
    static func renamed(_ name: String, from sourcePath: String, taken: (String) -> Bool) -> String {
        let file = sourcePath.split(separator: "/").last.map(String.init) ?? sourcePath
        var candidate = "\(name) (merged from \(file))"
        var n = 2
        while taken(candidate) {
            candidate = "\(name) (merged from \(file), \(n))"
            n += 1
        }
        return candidate
    }
}
