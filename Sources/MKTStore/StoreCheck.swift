import Foundation

/// One thing `fsck` found wrong.
public enum StoreProblem: Equatable, Sendable, CustomStringConvertible {
    case corruptObject(ObjectID, path: String, defect: LooseObject.Defect)
    case unreadableObject(ObjectID, reason: String)
    case strayFile(path: String)
    case corruptRef(name: String, reason: String)
    case danglingRef(name: String, target: ObjectID)
    case corruptReflog(location: String)
    case staleLock(path: String, holder: LockHolder)

    /// Errors make fsck fail; a stale lock is only a warning.
    public var isError: Bool {
        if case .staleLock = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .corruptObject(let id, let path, let defect): "object \(id): \(defect) (\(path))"
        case .unreadableObject(let id, let reason): "object \(id): \(reason)"
        case .strayFile(let path): "stray file in the object directory: \(path)"
        case .corruptRef(let name, let reason): "ref \(name): \(reason)"
        case .danglingRef(let name, let target): "ref \(name): points to missing object \(target)"
        case .corruptReflog(let location): "reflog \(location): malformed line"
        case .staleLock(let path, let holder): "lock \(path): \(holder)"
        }
    }
}

/// The outcome of a full store check.
public struct StoreCheckReport: Sendable {
    public var objectCount = 0
    public var refCount = 0
    /// Objects nothing leads to: no error (gc removes them), but counted.
    public var unreachableCount = 0
    public var problems: [StoreProblem] = []

    public var isClean: Bool { !problems.contains(where: \.isError) }
}

extension Repository {
    /// Re-hashes every object and checks every ref, reflog and lock, and
    /// counts the objects nothing leads to from what it read.
    /// Findings come back in the report; only failure to list the store throws.
    public func check() throws(StoreError) -> StoreCheckReport {
        var report = StoreCheckReport()
        let scan = try objects.scan()
        report.objectCount = scan.objects.count
        report.problems += scan.stray.map { .strayFile(path: $0) }
        var links: [ObjectID: [ObjectID]] = [:]
        for id in scan.objects {
            do {
                switch try objects.verify(id) {
                case .success(let object): links[id] = Self.objectIDs(in: object.body)
                case .failure(let defect): report.problems.append(.corruptObject(id, path: objects.path(of: id), defect: defect))
                }
            } catch {
                report.problems.append(.unreadableObject(id, reason: error.description))
            }
        }
        let refList = try refs.list()
        report.refCount = refList.count
        for (name, value) in refList {
            switch value {
            case .success(let id):
                if !objects.contains(id) { report.problems.append(.danglingRef(name: name, target: id)) }
            case .failure(.corruptRef(_, _, let reason)):
                report.problems.append(.corruptRef(name: name, reason: reason))
            case .failure(let error):
                report.problems.append(.corruptRef(name: name, reason: error.description))
            }
            for case .failure(.corruptRef(_, let location, _)) in (try? refs.reflog(name)) ?? [] {
                report.problems.append(.corruptReflog(location: location))
            }
        }
        report.unreachableCount = try unreachable(among: Set(scan.objects)) { links[$0] ?? [] }.count
        for lock in try refs.lockFiles() {
            let holder = LockFile.holder(of: lock)
            if case .running = holder { continue }
            report.problems.append(.staleLock(path: lock, holder: holder))
        }
        return report
    }
}
