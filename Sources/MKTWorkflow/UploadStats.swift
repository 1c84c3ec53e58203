import Foundation
import MKTTrackers

/// What `mkt stats` reports per tracker, computed from the history alone.
public struct TrackerStats: Equatable, Sendable {
    public var tracker: String
    /// (tracker, release) pairs tried, and those whose newest attempt ended with the site having the torrent.
    public var releases = 0
    public var uploaded = 0
    /// Of those, the pairs whose newest receipt is `adopted`: the site had the release, nothing was uploaded.
    public var adopted = 0
    /// Pairs whose first attempt already ended with the site having the torrent.
    public var firstTry = 0
    /// Every attempt (dry runs aside), and those that ended well.
    public var attempts = 0
    public var successes = 0
    /// Durations of the attempts that ended well, in milliseconds.
    public var p50Milliseconds: Int64?
    public var p95Milliseconds: Int64?
    /// Attempts that did not end well, by error category.
    public var errors: [String: Int] = [:]
    /// Successful attempts per ISO week (`2026-W48`).
    public var weeks: [String: Int] = [:]

    public var successRate: Double? { releases == 0 ? nil : Double(uploaded) / Double(releases) }
    public var firstTryRate: Double? { releases == 0 ? nil : Double(firstTry) / Double(releases) }
    public var attemptsPerSuccess: Double? { successes == 0 ? nil : Double(attempts) / Double(successes) }
}

public enum UploadStats {
    /// - Parameter since: only attempts started at or after this time (milliseconds since the epoch).
    public static func compute(_ history: [HistoryEntry], since: Int64? = nil) -> [TrackerStats] {
        // A dry run or a prepared kit sent nothing: neither is an attempt.
        let entries = history.filter { ![.dryRun, .prepared].contains($0.receipt.outcome) && $0.receipt.started >= (since ?? .min) }
        return Dictionary(grouping: entries, by: \.receipt.tracker).keys.sorted().map { tracker in
            let mine = entries.filter { $0.receipt.tracker == tracker }
            var stats = TrackerStats(tracker: tracker)
            stats.attempts = mine.count
            let good = mine.filter(\.receipt.succeeded)
            stats.successes = good.count
            // History is newest first: the first entry of each release is its newest attempt.
            var newest: [String: HistoryEntry] = [:]
            for entry in mine where newest[entry.release] == nil { newest[entry.release] = entry }
            stats.releases = newest.count
            stats.uploaded = newest.values.filter(\.receipt.succeeded).count
            stats.adopted = newest.values.filter { $0.receipt.outcome == .adopted }.count
            // The last entry of each release is its oldest attempt.
            var oldest: [String: HistoryEntry] = [:]
            for entry in mine { oldest[entry.release] = entry }
            stats.firstTry = oldest.values.filter { $0.receipt.succeeded && $0.receipt.previous == nil }.count
            let durations = good.map(\.receipt.durationMilliseconds).sorted()
            stats.p50Milliseconds = percentile(durations, 0.50)
            stats.p95Milliseconds = percentile(durations, 0.95)
            for entry in mine where !entry.receipt.succeeded {
                stats.errors[entry.receipt.category?.rawValue ?? "unknown", default: 0] += 1
            }
            for entry in good { stats.weeks[isoWeek(entry.receipt.finished), default: 0] += 1 }
            return stats
        }
    }

    /// Each (tracker, release) whose newest receipt is a prepared upload kit: an upload waiting for the person.
    public static func awaitingManualUpload(_ history: [HistoryEntry]) -> [HistoryEntry] {
        // History is newest first.
        var seen = Set<String>()
        return history.filter { seen.insert("\($0.receipt.tracker)/\($0.release)").inserted && $0.receipt.outcome == .prepared }
    }

    /// Nearest-rank percentile.
    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    public static func isoWeek(_ milliseconds: Int64) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
    }
}
