/// Converts ISO dates to PostgreSQL's binary `date`: days since 2000-01-01.
enum PGDate {
    /// Days from 2000-01-01 to a strict `YYYY-MM-DD` date; nil when the text is not one.
    static func daysSince2000(iso text: String) -> Int32? {
        Array(text.utf8).withUnsafeBytes { daysSince2000(iso: $0) }
    }

    /// Days from 2000-01-01 to a strict `YYYY-MM-DD` date given as UTF-8 bytes; nil when they are not one.
    static func daysSince2000(iso u: UnsafeRawBufferPointer) -> Int32? {
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for b in u[range] {
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
            (1...12).contains(m), d >= 1, d <= daysInMonth(y, m)
        else { return nil }
        return Int32(daysFromCivil(y, m, d) - daysFromCivil(2000, 1, 1))
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

extension PGDate {
    /// The ISO text of a PostgreSQL binary date (Howard Hinnant's civil_from_days).
    static func iso(daysSince2000 days: Int32) -> String {
        let z = Int(days) + daysFromCivil(2000, 1, 1) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return "\(String(y).leftPadded(4, with: "0"))-\(String(m).leftPadded(2, with: "0"))-\(String(d).leftPadded(2, with: "0"))"
    }
}
