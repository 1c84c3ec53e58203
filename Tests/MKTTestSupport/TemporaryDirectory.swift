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
///
/// The descriptor is close-on-exec: tests start processes from many threads,
/// and a child that inherited a script's open write descriptor would make
/// running that script fail with ETXTBSY ("Text file busy") for as long as
/// the child lives.
public func writeFile(_ path: String, _ contents: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))]) }
    defer { close(fd) }
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        written += count
    }
}
