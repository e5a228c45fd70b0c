import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private file written a piece at a time: under a temporary name beside `path` (0600,
/// `O_EXCL | O_NOFOLLOW`), flushed and renamed into place by `commit()`, removed by `discard()`.
///
/// For files too large to build in memory first (`PrivateFile.write` takes the whole content).
final class PrivateFileWriter {
    let path: String
    private let temporary: String
    private var fd: Int32
    private var pending = Data()
    /// Bytes gathered before a write.
    private static let chunk = 1 << 20

    init(_ path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))").path
        self.temporary = temporary
        // Ctrl-C before commit() or discard() leaves no temporary file behind.
        fd = try Interruption.shared.exclusively {
            let fd = try PrivateFile.create(temporary)
            Interruption.shared.onInterrupt(temporary) { unlink(temporary) }
            return fd
        }
    }

    deinit { discard() }

    /// Adds bytes to the end of the file.
    func append(_ data: Data) throws {
        pending.append(data)
        if pending.count >= Self.chunk { try flush() }
    }

    /// Writes what is left, flushes the file to disk, renames it to `path` and flushes the folder.
    func commit() throws {
        try flush()
        guard fsync(fd) == 0 else { throw PrivateFile.posixError(path) }
        close(fd)
        fd = -1
        try Interruption.shared.exclusively {
            defer { Interruption.shared.cancel(temporary) }
            guard rename(temporary, path) == 0 else {
                let error = PrivateFile.posixError(path)
                unlink(temporary)
                throw error
            }
        }
        try PrivateFile.syncFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Closes and removes the temporary file (nothing at `path` changes); nothing after `commit()`.
    func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporary)
        Interruption.shared.cancel(temporary)
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try PrivateFile.writeAll(fd, $0, path: temporary) }
        pending.removeAll(keepingCapacity: true)
    }
}
