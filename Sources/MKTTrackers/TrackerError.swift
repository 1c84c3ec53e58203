import Foundation
import MKTObjects

/// Why an exchange with a tracker did not give what was asked for, sorted
/// into the categories a receipt records.
public struct TrackerError: Error, Equatable, CustomStringConvertible {
    public var category: UploadReceipt.Category
    public var message: String
    public var field: String?
    public var httpStatus: Int?
    /// The request may have been acted on (sent, then no readable answer).
    public var outcomeUnknown: Bool
    /// How long the site asked mkt to wait, for rate limits.
    public var retryAfter: TimeInterval?

    public init(_ category: UploadReceipt.Category, _ message: String, field: String? = nil, httpStatus: Int? = nil, outcomeUnknown: Bool = false, retryAfter: TimeInterval? = nil) {
        self.category = category
        self.message = message
        self.field = field
        self.httpStatus = httpStatus
        self.outcomeUnknown = outcomeUnknown
        self.retryAfter = retryAfter
    }

    /// A problem on this side: configuration, a file, the store.
    public static func local(_ message: String) -> TrackerError { TrackerError(.local, message) }

    public var description: String { message }

    /// Rejections: the same request would be refused again.
    var isFinal: Bool { [.auth, .validation, .duplicate, .local].contains(category) }
}
