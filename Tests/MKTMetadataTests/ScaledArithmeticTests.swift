@testable import MKTMetadata
import Testing

/// Durations and bitrates come from a file's own 64-bit counters: they are
/// computed in full width, and a result that cannot be is no result (the
/// fuzzer found an Ogg granule position that overflowed `samples * 1000`).
struct ScaledArithmeticTests {
    @Test func scalesInFullWidthOrGivesNothing() {
        #expect(Int64(10).scaled(by: 3, dividedBy: 4) == 7)
        #expect(Int64(441_000).scaled(by: 1000, dividedBy: 44_100) == 10_000)
        #expect((Int64.max / 2).scaled(by: 1000, dividedBy: 1000) == Int64.max / 2)
        #expect(Int64.max.scaled(by: 1000, dividedBy: 1) == nil)
        #expect(Int64.max.scaled(by: 2, dividedBy: 1) == nil)
        #expect(Int64(5).scaled(by: 1, dividedBy: 0) == nil)
        #expect(Int64(-5).scaled(by: 1, dividedBy: 1) == nil)
    }
}
