/// Arithmetic on the 64-bit numbers that come from files, objects and sites
/// (durations, times, counters): it never traps. Where a number enters, it is
/// computed with these; a result past the ends of Int64 stops at them, or is
/// no result.
extension Int64 {
    public func clampedAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    public func clampedSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `self × multiplier ÷ divisor` without overflow in between (durations and
    /// bitrates from a file's 64-bit counters); nil when an input is negative,
    /// the divisor is zero, or the result does not fit.
    func scaled(by multiplier: Int64, dividedBy divisor: Int64) -> Int64? {
        guard self >= 0, multiplier >= 0, divisor > 0 else { return nil }
        let product = UInt64(self).multipliedFullWidth(by: UInt64(multiplier))
        guard product.high < UInt64(divisor) else { return nil }
        let quotient = UInt64(divisor).dividingFullWidth(product).quotient
        return quotient <= UInt64(Int64.max) ? Int64(quotient) : nil
    }
}
