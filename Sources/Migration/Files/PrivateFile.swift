import CPOSIX
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files and folders that hold a store's data (bundles, reject records, reports): private to
/// their owner (0600, folders 0700), written whole under a temporary name and renamed into place,
/// so that a link at the final path is replaced, never followed, and a reader never sees half a file.
///
/// Every new file and folder (and `PrivateFileWriter`'s rename into place) is made
/// `Interruption.shared.exclusively`: once Ctrl-C's cleanup has begun removing what the tool
/// wrote, nothing new appears behind it. `exchange` relies on its caller holding the lock.
public enum PrivateFile {
    /// Writes `data` to `path`: a new temporary file beside it (0600, `O_EXCL | O_NOFOLLOW`),
    /// flushed to disk, then renamed over `path`, and the folder flushed.
    public static func write(_ data: Data, to path: String) throws {
        let file = try PrivateFileWriter(path)
        try file.append(data)
        try file.commit()
    }

    /// Creates a new file for writing, 0600, failing if anything (a link included) is at `path`.
    public static func create(_ path: String) throws -> Int32 {
        try Interruption.shared.exclusively {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw posixError(path) }
            return fd
        }
    }

    /// Creates a folder and its missing parents; the folder itself 0700.
    public static func createFolder(_ path: String) throws {
        try Interruption.shared.exclusively {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Flushes a folder's entries (a rename or a new file in it) to disk.
    public static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw posixError(path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError(path) }
    }

    /// Swaps two paths in one step; false when the file system cannot (then the caller renames twice).
    static func exchange(_ a: String, _ b: String) throws -> Bool {
        if cposix_rename_exchange(a, b) == 0 { return true }
        if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP { return false }
        throw posixError(b)
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #else
            let n = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw posixError(path)
            }
            offset += n
        }
    }

    /// The current errno as an error Foundation's descriptions (and `describeFileError`) understand.
    static func posixError(_ path: String) -> Error {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno), userInfo: [NSFilePathErrorKey: path])
    }
}
