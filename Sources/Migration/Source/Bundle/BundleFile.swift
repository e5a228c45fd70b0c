import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One data file of a bundle, opened once and kept open from its check to its load.
///
/// Opened without following a link (`O_NOFOLLOW`) and checked to be a regular file by its
/// descriptor, so the bytes that were checked are the bytes that are loaded, whatever happens to
/// the path meanwhile. Every read is positioned (`pread`), so readers never share a file offset.
final class BundleFile {
    let path: String
    let descriptor: Int32
    /// The size when it was opened.
    let size: Int64

    /// Opens `path`; nil with the reason when it is missing, a link or not a regular file.
    init(path: String) throws(BundleFileProblem) {
        self.path = path
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == ELOOP ? .notRegular : (errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))))
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .notRegular
        }
        descriptor = fd
        size = Int64(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws -> Int {
        while true {
            let n = pread(descriptor, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw MigrationError.bundleInvalid(path: path, problem: "cannot be read (\(String(cString: strerror(errno))))") }
        }
    }

    /// The whole file, for small files such as the manifest.
    func readAll() throws -> Data {
        guard size > 0 else { return Data() }
        var data = Data(count: Int(size))
        let n = try data.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: Int(size), at: 0) }
        return data.prefix(n)
    }

    /// The xxHash64 of the whole file as it is now (16 hex digits) and its length.
    func xxh64() throws -> (hash: String, size: Int64) {
        let chunk = FileChecksum.chunk
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        var stream = XXH64.Stream()
        var offset: Int64 = 0
        while true {
            let n = try read(into: buffer, count: chunk, at: offset)
            if n == 0 { break }
            stream.update(UnsafeRawBufferPointer(start: buffer, count: n))
            offset += Int64(n)
        }
        return (hex(stream.finalize()), offset)
    }
}

/// Why a bundle data file cannot be opened.
enum BundleFileProblem: Error, CustomStringConvertible {
    case missing, notRegular
    case unreadable(String)

    var description: String {
        switch self {
        case .missing: "is missing"
        case .notRegular: "is not a regular file (a link or a directory)"
        case .unreadable(let reason): "cannot be opened (\(reason))"
        }
    }
}
