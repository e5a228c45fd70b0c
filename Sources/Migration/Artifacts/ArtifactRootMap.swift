/// `--artifact-root-map OLD=NEW` rules: rewrite artifact locations that start with OLD to start with NEW instead.
///
/// The longest matching prefix wins; values no rule matches stay as they are.
public struct ArtifactRootMap: Sendable, Equatable, Codable {
    public struct Rule: Sendable, Equatable, Codable {
        public let old: String
        public let new: String
    }

    /// Rules, longest `old` first.
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules.sorted { $0.old.utf8.count > $1.old.utf8.count }
    }

    /// Parses `OLD=NEW` arguments (the first `=` splits; OLD must not be empty).
    public init(arguments: [String]) throws {
        var rules: [Rule] = []
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw MigrationError.usage("--artifact-root-map takes OLD=NEW, got '\(argument)'")
            }
            rules.append(Rule(old: String(argument[..<eq]), new: String(argument[argument.index(after: eq)...])))
        }
        self.init(rules: rules)
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// The rewritten value and the rule used, or nil when no rule matches.
    public func rewrite(_ value: String) -> (value: String, rule: Rule)? {
        Array(value.utf8).withUnsafeBytes { bytes in
            rewrite(bytes).map { (String(decoding: $0.bytes, as: UTF8.self), $0.rule) }
        }
    }

    /// The rewritten bytes and the rule used, or nil when no rule matches.
    ///
    /// Matches and replaces bytes, not characters: the rest of the value is kept byte for byte
    /// (invalid UTF-8 included, which PostgreSQL then refuses by name), and a prefix ending
    /// before a combining mark still matches.
    public func rewrite(_ value: UnsafeRawBufferPointer) -> (bytes: [UInt8], rule: Rule)? {
        for rule in rules {
            let old = rule.old.utf8
            guard value.count >= old.count, value.prefix(old.count).elementsEqual(old) else { continue }
            return (Array(rule.new.utf8) + value.dropFirst(old.count), rule)
        }
        return nil
    }

    /// True for locations that point at the old machine's disk: relative paths, `file:` URIs,
    /// absolute paths (what a new server cannot serve unless the disk moves with it).
    public static func looksLocal(_ value: String) -> Bool {
        if value.hasPrefix("REDACTED-") { return false }  // MLflow's marker in deleted model versions
        if value.hasPrefix("file:") || value.hasPrefix("/") || value.hasPrefix("./") || value.hasPrefix("../") { return true }
        guard let colon = value.firstIndex(of: ":") else { return !value.isEmpty }  // no scheme: a relative path
        return value[..<colon].count == 1  // a Windows drive letter, C:\...
    }
}
