import Foundation

/// How much of the long tests to run. CI runs all of it (`MKT_TEST_QUICK`
/// unset). `MKT_TEST_QUICK=1`, for local runs (`scripts/test.sh --quick`),
/// runs stress loops for a few rounds and sweeps over every step at a sample
/// of the steps: every test still runs and can still fail, in less time.
public enum TestDepth {
    public static let quick = ProcessInfo.processInfo.environment["MKT_TEST_QUICK"] == "1"

    /// `full` rounds of a stress loop, or `quick` of them.
    public static func rounds(_ full: Int, quick: Int) -> Int { Self.quick ? min(full, quick) : full }

    /// Every step of `range`, or every `quickStride`th one, the first and the last always among them.
    public static func steps(_ range: ClosedRange<Int>, quickStride: Int) -> [Int] {
        guard quick, quickStride > 1 else { return Array(range) }
        var steps = Array(stride(from: range.lowerBound, through: range.upperBound, by: quickStride))
        if steps.last != range.upperBound { steps.append(range.upperBound) }
        return steps
    }
}
