import MLflowSchema

/// Renders a binary COPY field, or a canonical value (`CanonicalTupleBuffer`), of a known type for
/// reports: numbers as numbers, doubles with their bits, text quoted and shortened.
enum FieldDisplay {
    static func describe(_ value: UnsafeRawBufferPointer?, _ type: PGType) -> String {
        guard let value else { return "NULL" }
        switch type {
        case .int4 where value.count == 4:
            return String(Int32(bigEndian: value.loadUnaligned(as: Int32.self)))
        case .int8 where value.count == 8, .int4 where value.count == 8:
            return String(Int64(bigEndian: value.loadUnaligned(as: Int64.self)))
        case .float8 where value.count == 8:
            let bits = UInt64(bigEndian: value.loadUnaligned(as: UInt64.self))
            return "\(Double(bitPattern: bits)) (bits \(hex(bits)))"
        case .bool where value.count == 1:
            return value[0] == 0 ? "false" : "true"
        case .date where value.count == 4:
            return PGDate.iso(daysSince2000: Int32(bigEndian: value.loadUnaligned(as: Int32.self)))
        case .text, .json, .date:
            return displayValue(String(decoding: value, as: UTF8.self), limit: 80)
        default:
            let shown = value.prefix(32).map { String($0, radix: 16).leftPadded(2, with: "0") }.joined()
            return "\\x\(shown)\(value.count > 32 ? "…" : "") (\(value.count) bytes)"
        }
    }
}
