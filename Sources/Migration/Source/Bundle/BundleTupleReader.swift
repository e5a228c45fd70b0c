import Foundation
import PostgresTarget

/// Pulls the tuples of a bundle data file, reading it in chunks of at least 1 MiB.
final class BundleTupleReader: TupleReader {
    private let file: BundleFile
    private let reader: BinaryTupleReader
    private var base: UnsafeMutableRawPointer
    private var capacity = 1 << 20
    private var count = 0
    private var offset = 0
    /// Where the next read of the file starts.
    private var fileOffset: Int64 = 0
    private var eof = false
    private var path: String { file.path }

    /// Reads `file` from its start; every tuple must have exactly `fields` fields.
    init(file: BundleFile, fields: Int) {
        self.file = file
        self.reader = BinaryTupleReader(fields: fields)
        self.base = .allocate(byteCount: capacity, alignment: 8)
    }

    /// Opens `path` and reads it (tests and one-off reads).
    convenience init(path: String, fields: Int) throws {
        let file: BundleFile
        do { file = try BundleFile(path: path) } catch { throw MigrationError.bundleInvalid(path: path, problem: "\(error)") }
        self.init(file: file, fields: fields)
    }

    deinit {
        base.deallocate()
    }

    func next() throws -> BinaryTuple? {
        while true {
            var at = offset
            do {
                let tuple = try reader.tuple(in: UnsafeRawBufferPointer(start: base, count: count), at: &at)
                // `at` moves only past bytes the reader consumed (the header, a tuple, the trailer).
                offset = at
                if let tuple { return tuple }
                if reader.ended {
                    while !eof { try refill() }  // bytes after the trailer are an error
                    guard offset == count else { throw MigrationError.bundleInvalid(path: path, problem: "has data after the COPY trailer") }
                    return nil
                }
            } catch BinaryTupleReader.ReadError.truncated where !eof {
                // The header may have been read before the first tuple proved incomplete.
                offset = at
            } catch BinaryTupleReader.ReadError.truncated {
                throw MigrationError.bundleInvalid(path: path, problem: "ends inside a row or without the COPY trailer")
            } catch let error as BinaryTupleReader.ReadError {
                throw MigrationError.bundleInvalid(path: path, problem: "is not binary COPY data (\(error))")
            }
            if eof { throw MigrationError.bundleInvalid(path: path, problem: "ends inside a row or without the COPY trailer") }
            try refill()
        }
    }

    /// Moves the unread bytes to the front (growing when one tuple fills the buffer) and reads more.
    private func refill() throws {
        if offset > 0 {
            (base).copyMemory(from: base + offset, byteCount: count - offset)
            count -= offset
            offset = 0
        }
        if count == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 8)
            bigger.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let n = try file.read(into: base + count, count: capacity - count, at: fileOffset)
        if n == 0 {
            eof = true
        } else {
            count += n
            fileOffset += Int64(n)
        }
    }
}
