import PostgresTarget

/// Reads several tuple readers one after the other.
final class ConcatenatedReader: TupleReader {
    private var readers: [any TupleReader]

    init(_ readers: [any TupleReader]) { self.readers = readers }

    func next() throws -> BinaryTuple? {
        while let first = readers.first {
            if let tuple = try first.next() { return tuple }
            readers.removeFirst()
        }
        return nil
    }
}
