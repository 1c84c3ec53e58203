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
    /// A reachable object's body is not one of its type.
    case malformedObject(ObjectID, type: ObjectType, reason: String)
    /// `source` (`meta <id>`, `queue/red/album.json`) names in `field` an object that is not there, or is of another type.
    case brokenLink(source: String, field: String, target: ObjectID, found: ObjectType?, expected: ObjectType)
    /// A file outside `objects/` that should name objects does not parse.
    case damagedFile(path: String, reason: String, remedy: String)

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
        case .malformedObject(let id, let type, let reason): "\(type.rawValue) \(id): \(reason)"
        case .brokenLink(let source, let field, let target, nil, _): "\(source): \(field) \(target) is missing"
        case .brokenLink(let source, let field, let target, let found?, let expected):
            "\(source): \(field) \(target) is a \(found.rawValue) object, not a \(expected.rawValue)"
        case .damagedFile(let path, let reason, let remedy): "\(path): damaged: \(reason); \(remedy)"
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
    /// Re-hashes every object and checks every ref, reflog and lock, counts
    /// the objects nothing leads to from what it read, and checks that every
    /// link of every reachable object, and of every file in `linkingFiles`
    /// (the queue jobs), leads to an object of the type it must have.
    /// `linkReader` reads an object's links from its body.
    /// Findings come back in the report; only failure to list the store throws.
    public func check(linkReader: ObjectLinkReader, linkingFiles: [LinkingFile]) throws(StoreError) -> StoreCheckReport {
        var report = StoreCheckReport()
        let scan = try objects.scan()
        report.objectCount = scan.objects.count
        report.problems += scan.stray.map { .strayFile(path: $0) }
        var links: [ObjectID: [ObjectID]] = [:]
        var types: [ObjectID: ObjectType] = [:]
        var typedLinks: [ObjectID: Result<[ObjectLink], any Error>] = [:]
        for id in scan.objects {
            do {
                switch try objects.verify(id) {
                case .success(let object):
                    links[id] = Self.objectIDs(in: object.body)
                    types[id] = object.type
                    typedLinks[id] = linkReader(object.type, object.body)
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
        let unreachable = try unreachable(among: Set(scan.objects)) { links[$0] ?? [] }
        report.unreachableCount = unreachable.count
        let damaged = Set(scan.objects).subtracting(types.keys)
        func checkLinks(_ links: [ObjectLink], from source: String) {
            for link in links where !damaged.contains(link.target) && types[link.target] != link.type {
                let problem = StoreProblem.brokenLink(source: source, field: link.field, target: link.target, found: types[link.target], expected: link.type)
                if !report.problems.contains(problem) { report.problems.append(problem) }
            }
        }
        for id in scan.objects where !unreachable.contains(id) {
            guard let type = types[id], let found = typedLinks[id] else { continue }
            switch found {
            case .success(let links): checkLinks(links, from: "\(type.rawValue) \(id)")
            case .failure(let error): report.problems.append(.malformedObject(id, type: type, reason: "\(error)"))
            }
        }
        for file in linkingFiles {
            switch file.links {
            case .success(let links): checkLinks(links, from: file.path)
            case .failure(let damage): report.problems.append(.damagedFile(path: file.path, reason: damage.reason, remedy: damage.remedy))
            }
        }
        for lock in try refs.lockFiles() {
            let holder = LockFile.holder(of: lock)
            if case .running = holder { continue }
            report.problems.append(.staleLock(path: lock, holder: holder))
        }
        return report
    }
}
