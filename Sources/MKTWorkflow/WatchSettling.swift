import Foundation
import MKTMetadata

/// What a scan of a folder saw: enough to tell whether anything in it changed.
public struct FolderSignature: Equatable, Codable, Sendable {
    public var files: Int
    public var bytes: Int64
    /// The newest modification time of anything in it, milliseconds since the epoch.
    public var newest: Int64

    public init(files: Int, bytes: Int64, newest: Int64) {
        self.files = files
        self.bytes = bytes
        self.newest = newest
    }

    /// Walks `folder` (links not followed); nil when it is gone or not a folder.
    public static func scan(_ folder: String) -> FolderSignature? {
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        var signature = FolderSignature(files: 0, bytes: 0, newest: milliseconds(info.st_mtim))
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return signature }
        for case let path as String in walker {
            guard lstat("\(folder)/\(path)", &info) == 0 else { continue }
            signature.newest = max(signature.newest, milliseconds(info.st_mtim))
            if info.st_mode & S_IFMT == S_IFREG {
                signature.files += 1
                signature.bytes = signature.bytes.clampedAdding(Int64(info.st_size))
            }
        }
        return signature
    }

    static func milliseconds(_ time: timespec) -> Int64 {
        let (seconds, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1000)
        return overflow ? .max : seconds.clampedAdding(Int64(time.tv_nsec / 1_000_000))
    }
}

/// The folders the watcher has seen but not added yet, and when each may
/// be: a folder is ready once nothing was written in it for `settle`
/// seconds (by inotify's word and by the files' times) and two scans in a
/// row found the same files and sizes. A folder still being written is
/// never ready; one that never settles waits.
public struct FolderSettling: Sendable {
    public struct Waiting: Equatable, Sendable {
        /// The last write seen, seconds since the epoch.
        public var lastChange: Double
        public var signature: FolderSignature?
    }

    public let settle: Double
    public private(set) var waiting: [String: Waiting] = [:]

    public init(settle: Double) { self.settle = settle }

    /// A write (or the folder's appearance) seen at `time`.
    public mutating func changed(_ folder: String, at time: Double) {
        waiting[folder, default: Waiting(lastChange: time)].lastChange = time
    }

    /// A folder taken by other means (a completion call) waits no more.
    public mutating func forget(_ folder: String) {
        waiting[folder] = nil
    }

    /// Records a scan of `folder` at `time`; true when the folder is ready now
    /// (it is then no longer waiting). A folder gone (nil) stops waiting.
    public mutating func scanned(_ folder: String, _ signature: FolderSignature?, at time: Double) -> Bool {
        guard let signature else {
            waiting[folder] = nil
            return false
        }
        var entry = waiting[folder] ?? Waiting(lastChange: time)
        if entry.signature != signature {
            // Sizes that moved between two scans are a write, whether inotify saw it or not.
            if entry.signature != nil { entry.lastChange = max(entry.lastChange, time) }
            entry.signature = signature
            waiting[folder] = entry
            return false
        }
        let lastWrite = max(entry.lastChange, Double(signature.newest) / 1000)
        guard time - lastWrite >= settle else {
            waiting[folder] = entry
            return false
        }
        waiting[folder] = nil
        return true
    }

    /// When the next scan is worth making: no sooner than a second, no later than ten.
    public var scanInterval: Double { min(max(settle / 2, 1), 10) }
}
