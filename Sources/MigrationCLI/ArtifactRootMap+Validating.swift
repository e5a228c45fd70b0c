import ArgumentParser
import Migration

extension ArtifactRootMap {
    /// Parses `--artifact-root-map` arguments while the command line is checked, so that a
    /// malformed rule is a usage error like any other option's.
    init(validating arguments: [String]) throws {
        do {
            try self.init(arguments: arguments)
        } catch let error as MigrationError {
            throw ValidationError("\(error)")
        }
    }
}
