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

    /// Objects nothing leads to, older than `grace`. An object is reachable
    /// when an id that names it appears in any file of the store outside
    /// `objects/` (refs, reflogs, the queue, caches) or in a reachable
    /// object's bytes. Reading ids as text keeps whatever might be linked: a
    /// stray match keeps an object, it never removes one. Objects modified
    /// since the oldest running writer registered (`WriterRegistry`) are
    /// kept whatever the grace: they may be a running add's, whose ref has
    /// not moved yet. The registrations are read after the objects are
    /// listed, so every listed object's writer, if still running, is seen.
    public func unreachableObjects(grace: TimeInterval, now: Date = Date()) throws(StoreError) -> [ObjectID] {
        let unreachable = try unreachable(among: Set(try objects.scan().objects)) { id throws(StoreError) in
            Self.objectIDs(in: try DurableFile.read(objects.path(of: id)) ?? Data())
        }
        let writerSince = WriterRegistry.oldestLiveWriter(store: directory)
        return unreachable.filter { id in
            let path = objects.path(of: id)
            return isOlder(path, than: grace, now: now) && !(writerSince.map { isModified(path, since: $0) } ?? false)
        }.sorted { $0.hex < $1.hex }
    }

    /// The objects among `stored` that nothing leads to, where `links` gives
    /// the ids an object names (fsck passes what it read while verifying).
    func unreachable(among stored: Set<ObjectID>, links: (ObjectID) throws(StoreError) -> [ObjectID]) throws(StoreError) -> Set<ObjectID> {
        var reachable: Set<ObjectID> = []
        var pending: [ObjectID] = []
        func follow(_ ids: [ObjectID]) {
            for id in ids where stored.contains(id) && reachable.insert(id).inserted { pending.append(id) }
        }
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw .io(operation: "list", path: directory, errno: errno)
        }
        while let relative = walker.nextObject() as? String {
            if relative == "objects" { walker.skipDescendants(); continue }
            var isDirectory: ObjCBool = false
            let path = "\(directory)/\(relative)"
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if let bytes = try DurableFile.read(path) { follow(Self.objectIDs(in: bytes)) }
        }
        while let id = pending.popLast() { follow(try links(id)) }
        return stored.subtracting(reachable)
    }

    /// Removes what `unreachableObjects` names; returns it.
    public func removeUnreachableObjects(grace: TimeInterval, now: Date = Date()) throws(StoreError) -> [ObjectID] {
        let unreachable = try unreachableObjects(grace: grace, now: now)
        for id in unreachable where unlink(objects.path(of: id)) != 0 && errno != ENOENT {
            throw .io(operation: "remove", path: objects.path(of: id), errno: errno)
        }
        return unreachable
    }

    /// Every run of exactly 64 hex digits, as an id.
    static func objectIDs(in bytes: some Collection<UInt8>) -> [ObjectID] {
        var found: [ObjectID] = []
        var run: [UInt8] = []
        func flush() {
            if run.count == ObjectID.hexLength, let id = ObjectID(hex: String(decoding: run, as: UTF8.self).lowercased()) { found.append(id) }
            run.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                run.append(byte)
            default:
                flush()
            }
        }
        flush()
        return found
    }

    private func isModified(_ path: String, since time: timespec) -> Bool {
        var info = stat()
        return lstat(path, &info) != 0 || !(info.st_mtim < time)
    }

    private func isOlder(_ path: String, than grace: TimeInterval, now: Date) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
        return now.timeIntervalSince(modified) >= grace
    }
}
