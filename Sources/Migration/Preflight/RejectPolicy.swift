/// What the import does with rows the pre-flight found a problem in.
///
/// The default refuses them all.
public struct RejectPolicy: Sendable, Equatable {
    /// Widen `varchar(n)` columns to the longest value instead of refusing `too_long` rows.
    public var widenTooLong = false
    /// Widen `integer` columns to `bigint` instead of refusing `integer_range` rows.
    public var widenIntegers = false
    /// Problem kinds whose rows are left out (and recorded in the reject directory).
    public var skip: Set<Problem.Kind> = []
    /// Where left-out rows and widened columns are recorded; required with any policy.
    public var rejectDirectory: String?

    public init(widenTooLong: Bool = false, widenIntegers: Bool = false, skip: Set<Problem.Kind> = [], rejectDirectory: String? = nil) {
        self.widenTooLong = widenTooLong
        self.widenIntegers = widenIntegers
        self.skip = skip
        self.rejectDirectory = rejectDirectory
    }

    /// True when no policy is set: every problem refuses the import.
    public var isStrict: Bool { !widenTooLong && !widenIntegers && skip.isEmpty }

    /// True when this policy lets the import go ahead despite problems of this kind.
    func handles(_ kind: Problem.Kind) -> Bool {
        (kind == .tooLong && widenTooLong) || (kind == .integerRange && widenIntegers) || skip.contains(kind)
    }

    /// The kinds of problem this policy does not handle.
    var unhandled: Set<Problem.Kind> { Set(Problem.Kind.allCases.filter { !handles($0) }) }
}
