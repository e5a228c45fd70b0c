import Foundation

/// Reads a file in chunks: its xxHash64 and size, without holding it in memory.
enum FileChecksum {
    static let chunk = 1 << 20

    /// xxHash64 (16 hex digits) and the number of bytes of the file at `path`.
    static func xxh64(_ path: String) throws -> (hash: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var stream = XXH64.Stream()
        var size: Int64 = 0
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            data.withUnsafeBytes { stream.update($0) }
            size += Int64(data.count)
        }
        return (hex(stream.finalize()), size)
    }
}
