/// A 64-bit value as 16 lowercase hex digits, the form checksums take in reports and manifests.
func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
