import PostgresTarget

/// The target side of a verification reads COPY TO tuples through the same protocol as the sources.
extension CopyOutReader: TupleReader {}
