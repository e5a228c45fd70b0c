/// A fast 64-bit hash for short keys (a few fields of a row): bucketing and series identity.
///
/// Not the content checksum (that is xxHash64 over the whole tuple); only needs to spread keys
/// well. Reads eight bytes at a time and mixes with a multiply-xorshift, then finalises.
enum KeyHash {
    static let start: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    static func combine(_ h: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = h ^ (UInt64(bytes.count) &* 0xC2B2_AE3D_27D4_EB4F)
        guard let base = bytes.baseAddress else { return mix(h) }
        var i = 0
        while i + 8 <= bytes.count {
            h = mix(h ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        if i < bytes.count {
            var tail: UInt64 = 0
            if bytes.count >= 8 {
                // The last eight bytes, overlapping the previous word: no byte loop.
                tail = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            } else {
                var shift: UInt64 = 0
                while i < bytes.count {
                    tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                    shift += 8
                    i += 1
                }
            }
            h = mix(h ^ tail)
        }
        return h
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var h = x &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h &*= 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h
    }
}
