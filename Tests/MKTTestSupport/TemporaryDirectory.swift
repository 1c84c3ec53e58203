import Foundation

/// A fresh directory under the system temp dir, removed when the body returns.
public func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("mkt-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer {
        // Objects are 0444 and their directories may have been made read-only by a test.
        _ = try? FileManager.default.subpathsOfDirectory(atPath: path).forEach {
            chmod("\(path)/\($0)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: path)
    }
    return try body(path)
}

/// Writes `contents` to `path`, creating parent directories.
public func writeFile(_ path: String, _ contents: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
}
