import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file a line at a time (lines end with LF), holding one chunk and one line in memory.
final class LineReader {
    let path: String
    /// The 1-based number of the line `next()` returned last.
    private(set) var number = 0
    private let fd: Int32
    private var buffer = Data()
    private var start = 0
    private var atEnd = false
    private static let chunk = 1 << 20

    /// Opens `path` for reading; a link at `path` is not followed.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw PrivateFile.posixError(path) }
    }

    deinit { close(fd) }

    /// The next line without its LF; nil at the end of the file.
    func next() throws -> Data? {
        while true {
            if let end = buffer[start...].firstIndex(of: 0x0A) {
                defer { start = end + 1 }
                number += 1
                return buffer[start..<end]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                number += 1
                return buffer[start...]
            }
            buffer.removeSubrange(..<start)
            start = 0
            try fill()
        }
    }

    /// Appends the next chunk of the file to the buffer.
    private func fill() throws {
        let before = buffer.count
        buffer.count += Self.chunk
        let n = buffer.withUnsafeMutableBytes { bytes in
            read(fd, bytes.baseAddress! + before, Self.chunk)
        }
        if n < 0 {
            let error = errno == EINTR ? nil : PrivateFile.posixError(path)
            buffer.count = before
            if let error { throw error }
            return
        }
        buffer.count = before + n
        if n == 0 { atEnd = true }
    }
}
