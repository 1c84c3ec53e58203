import Foundation

extension Repository {
    /// Leftovers of interrupted writes: temp files (`.tmp-<pid>-…`) anywhere
    /// in the store and ref lock files. A file is stale when it is older than
    /// `grace` and the pid that made it is not running, so a live writer's
    /// file is never taken, whatever the grace. A ref lock that names a pid
    /// no longer running is stale at once: it blocks every writer of its ref,
    /// and the error they get says to run `mkt gc`.
    public func staleFiles(grace: TimeInterval, now: Date = Date()) throws(StoreError) -> [String] {
        var stale: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw .io(operation: "list", path: directory, errno: errno)
        }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let path = "\(directory)/\(relative)"
            let isLive: Bool
            var ownerIsGone = false
            if name.hasPrefix(DurableFile.tempPrefix) {
                isLive = DurableFile.writerPID(ofTemp: name).map(LockFile.isRunning) ?? false
            } else if name.hasSuffix(".lock"), relative.hasPrefix("refs/") {
                switch LockFile.holder(of: path) {
                case .running: isLive = true
                case .gone: (isLive, ownerIsGone) = (false, true)
                case .unknown: isLive = false
                }
            } else {
                continue
            }
            if !isLive && (ownerIsGone || isOlder(path, than: grace, now: now)) { stale.append(path) }
        }
        return stale.sorted()
    }

    /// Removes the files `staleFiles` names; returns them.
    public func removeStaleFiles(grace: TimeInterval, now: Date = Date()) throws(StoreError) -> [String] {
        let stale = try staleFiles(grace: grace, now: now)
        for path in stale where unlink(path) != 0 && errno != ENOENT {
            throw .io(operation: "remove", path: path, errno: errno)
        }
        return stale
    }

    private func isOlder(_ path: String, than grace: TimeInterval, now: Date) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
        return now.timeIntervalSince(modified) >= grace
    }
}
