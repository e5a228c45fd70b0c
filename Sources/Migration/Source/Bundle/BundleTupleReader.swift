import Foundation
import PostgresTarget

#if canImport(Glibc)
import Glibc
#endif

/// Pulls the tuples of a bundle data file, reading it in chunks of at least 1 MiB.
final class BundleTupleReader: TupleReader {
    private let handle: FileHandle
    private let reader: BinaryTupleReader
    private var base: UnsafeMutableRawPointer
    private var capacity = 1 << 20
    private var count = 0
    private var offset = 0
    private var eof = false
    private var hash: XXH64.Stream?
    let path: String

    /// With `hashing`, `fileHash` gives the xxHash64 of the whole file once it has been read.
    init(path: String, maxFields: Int, hashing: Bool = false) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MigrationError.bundleInvalid(path: path, problem: "cannot be opened")
        }
        self.handle = handle
        self.path = path
        self.reader = BinaryTupleReader(maxFields: max(1, maxFields))
        self.base = .allocate(byteCount: capacity, alignment: 8)
        if hashing { hash = XXH64.Stream() }
    }

    /// The file's xxHash64 (16 hex digits) after the whole file was read; nil before or without hashing.
    var fileHash: String? { eof ? hash.map { hex($0.finalize()) } : nil }

    deinit {
        base.deallocate()
        try? handle.close()
    }

    func next() throws -> BinaryTuple? {
        while true {
            var at = offset
            do {
                if let tuple = try reader.tuple(in: UnsafeRawBufferPointer(start: base, count: count), at: &at) {
                    offset = at
                    return tuple
                }
                if reader.ended {
                    offset = at
                    while !eof { try refill() }  // finish the file hash; bytes after the trailer are an error
                    guard offset == count else { throw MigrationError.bundleInvalid(path: path, problem: "has data after the COPY trailer") }
                    return nil
                }
            } catch BinaryTupleReader.ReadError.truncated where !eof {
                // The header may have been read before the first tuple proved incomplete.
                offset = at
            } catch BinaryTupleReader.ReadError.badHeader where !eof && count < 64 {
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
        let n = read(handle.fileDescriptor, base + count, capacity - count)
        guard n >= 0 else { throw MigrationError.bundleInvalid(path: path, problem: "read failed (errno \(errno))") }
        if n == 0 {
            eof = true
        } else {
            hash?.update(UnsafeRawBufferPointer(start: base + count, count: n))
            count += n
        }
    }
}
