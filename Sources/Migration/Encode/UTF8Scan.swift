/// Validates UTF-8 and counts characters (code points) the way PostgreSQL's `varchar(n)` does.
enum UTF8Scan {
    /// The number of code points, or nil when the bytes are not valid UTF-8 (overlong forms,
    /// surrogates and values above U+10FFFF included, as PostgreSQL rejects them).
    static func characters(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0, count = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                count += 1
                continue
            }
            let length: Int
            var cp: UInt32
            switch b0 {
            case 0xC2...0xDF:
                length = 2
                cp = UInt32(b0 & 0x1F)
            case 0xE0...0xEF:
                length = 3
                cp = UInt32(b0 & 0x0F)
            case 0xF0...0xF4:
                length = 4
                cp = UInt32(b0 & 0x07)
            default: return nil
            }
            guard i + length <= n else { return nil }
            for k in 1..<length {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return nil }
                cp = cp << 6 | UInt32(b & 0x3F)
            }
            switch length {
            case 3 where cp < 0x800 || (0xD800...0xDFFF).contains(cp): return nil
            case 4 where cp < 0x10000 || cp > 0x10FFFF: return nil
            default: break
            }
            i += length
            count += 1
        }
        return count
    }
}
