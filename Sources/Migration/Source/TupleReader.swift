import PostgresTarget

/// Something that hands out binary COPY tuples one at a time; each is valid until the next call.
public protocol TupleReader: AnyObject {
    func next() throws -> BinaryTuple?
}
