#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnsafeRawBufferPointer {
    /// True when a zero byte occurs (memchr).
    @inline(__always)
    var containsNUL: Bool {
        guard let base = baseAddress, count > 0 else { return false }
        return memchr(base, 0, count) != nil
    }
}
