/// Seconds with two decimals (`1.05`), as the summaries print them.
func formatSeconds(_ s: Double) -> String {
    let hundredths = Int((s * 100).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
}
