import PostgresTarget

extension PGConnection {
    /// Connects to the target of a command; a failure is `targetUnreachable`.
    static func target(_ conninfo: String?, application: String) throws -> PGConnection {
        do {
            return try PGConnection(conninfo: conninfo, applicationName: application)
        } catch let error as PGError {
            throw MigrationError.targetUnreachable(error: error)
        }
    }

    /// `connectionLost` with what it means for the target, when the connection broke; else nil.
    func lost(_ error: PGError, _ consequence: String) -> MigrationError? {
        isConnected ? nil : .connectionLost(target: displayName, error: error, consequence: consequence)
    }
}
