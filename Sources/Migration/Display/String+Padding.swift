extension String {
    /// The string right-aligned in `width` characters, padded on the left with `pad`.
    func leftPadded(_ width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
