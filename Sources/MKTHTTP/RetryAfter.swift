import Foundation

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3), clamped
/// so that a hostile or confused server cannot park mkt for days.
public enum RetryAfter {
    public static let maximum: TimeInterval = 3600

    public static func delay(_ value: String, now: Date = Date()) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return min(max(0, TimeInterval(seconds)), maximum) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), maximum)
    }
}
