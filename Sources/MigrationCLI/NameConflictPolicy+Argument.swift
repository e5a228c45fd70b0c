import ArgumentParser
import Migration

/// `--on-name-conflict refuse|merge|rename`.
extension NameConflictPolicy: ExpressibleByArgument {}
