extension XXH64 {
    /// xxHash64 over bytes that arrive in pieces (files): the same value as the one-shot hash, so
    /// `xxhsum -H64 FILE` (Debian's xxhash package) prints it too.
    struct Stream {
        private var v1, v2, v3, v4: UInt64
        private let seed: UInt64
        private var total = 0
        private var pending: [UInt8] = []

        init(seed: UInt64 = 0) {
            self.seed = seed
            v1 = seed &+ p1 &+ p2
            v2 = seed &+ p2
            v3 = seed
            v4 = seed &- p1
            pending.reserveCapacity(32)
        }

        /// Adds bytes.
        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            total += bytes.count
            var i = 0
            if !pending.isEmpty {
                let take = min(32 - pending.count, bytes.count)
                pending.append(contentsOf: bytes[0..<take])
                i = take
                guard pending.count == 32 else { return }
                pending.withUnsafeBytes { stripe($0.baseAddress!) }
                pending.removeAll(keepingCapacity: true)
            }
            guard let base = bytes.baseAddress else { return }
            while i + 32 <= bytes.count {
                stripe(base + i)
                i += 32
            }
            if i < bytes.count { pending.append(contentsOf: bytes[i...]) }
        }

        @inline(__always)
        private mutating func stripe(_ p: UnsafeRawPointer) {
            @inline(__always) func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            v1 = round(v1, u64(0))
            v2 = round(v2, u64(8))
            v3 = round(v3, u64(16))
            v4 = round(v4, u64(24))
        }

        /// The hash of everything added.
        func finalize() -> UInt64 {
            var h: UInt64
            if total >= 32 {
                h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
                h = merge(merge(merge(merge(h, v1), v2), v3), v4)
            } else {
                h = seed &+ p5
            }
            h &+= UInt64(total)
            return pending.withUnsafeBytes { tail in
                var i = 0
                let count = tail.count
                while i + 8 <= count {
                    h ^= round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                    h = rotl(h, 27) &* p1 &+ p4
                    i += 8
                }
                if i + 4 <= count {
                    h ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* p1
                    h = rotl(h, 23) &* p2 &+ p3
                    i += 4
                }
                while i < count {
                    h ^= UInt64(tail[i]) &* p5
                    h = rotl(h, 11) &* p1
                    i += 1
                }
                return avalanche(h)
            }
        }
    }
}
