import Foundation
import MKTConfig

/// Everything that can go wrong in the store, each with the path or value it concerns.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notAStore(searchedFrom: String)
    case notAStoreDirectory(path: String, reason: String)
    case unsupportedStore(path: String, reason: String)
    case config(ConfigError)
    case io(operation: String, path: String, errno: Int32)
    case notARegularFile(path: String, kind: String)
    case unknownObjectType(String)
    case objectNotFound(ObjectID)
    case corruptObject(ObjectID, path: String, defect: LooseObject.Defect)
    case unstableObject(ObjectID, path: String)
    case wrongObjectType(ObjectID, expected: ObjectType, actual: ObjectType)
    case unknownName(String)
    case ambiguousName(String, candidates: [ObjectID])
    case invalidRefName(String, reason: String)
    case corruptRef(String, path: String, reason: String)
    case refChanged(String, expected: RefExpectation, found: ObjectID?)
    case refConflict(String, existing: String)
    case refTargetMissing(String, ObjectID)
    case duplicateRefUpdate(String)
    case lockHeld(String, lockPath: String, holder: LockHolder)
    case secretInObject(ObjectType)

    public var description: String {
        switch self {
        case .notAStore(let start):
            "not an mkt store (or any parent up to /): \(start); run 'mkt init' to create one"
        case .notAStoreDirectory(let path, let reason):
            "not an mkt store: \(path): \(reason)"
        case .unsupportedStore(let path, let reason):
            "\(path): \(reason)"
        case .config(let error):
            error.description
        case .io(let operation, let path, let code):
            "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        case .notARegularFile(let path, let kind):
            "'\(path)' is a \(kind), not a file; mkt reads only regular files there"
        case .unknownObjectType(let name):
            "unknown object type '\(name)' (known: \(ObjectType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .objectNotFound(let id):
            "object \(id) not found"
        case .corruptObject(let id, let path, let defect):
            "object \(id) is corrupt (\(path)): \(defect)"
        case .unstableObject(let id, let path):
            "object \(id) changed while it was written (\(path)); check the disk and run 'mkt fsck'"
        case .wrongObjectType(let id, let expected, let actual):
            "object \(id) is a \(actual), not a \(expected)"
        case .unknownName(let name):
            "'\(name)' names no object or ref"
        case .ambiguousName(let name, let candidates):
            "'\(name)' is ambiguous: \(candidates.map(\.hex).joined(separator: ", "))"
        case .invalidRefName(let name, let reason):
            "invalid ref name '\(Self.printable(name))': \(reason)"
        case .corruptRef(let name, let path, let reason):
            "ref \(name) is corrupt (\(path)): \(reason)"
        case .refChanged(let name, let expected, let found):
            "cannot update \(name): ref changed: expected \(expected), found \(found.map(\.hex) ?? "no ref")"
        case .refConflict(let name, let existing):
            "cannot create \(name): \(existing) exists and one ref cannot be a prefix directory of another"
        case .refTargetMissing(let name, let id):
            "cannot point \(name) at \(id): no such object"
        case .duplicateRefUpdate(let name):
            "more than one update for \(name) in one transaction"
        case .lockHeld(let name, let lockPath, let holder):
            "cannot lock \(name): '\(lockPath)' exists; \(holder)"
        case .secretInObject(let type):
            "refusing to store a \(type) object: it contains a stored secret (API key, passkey or cookie)"
        }
    }

    /// Control characters shown escaped so an error stays on one line.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Who holds a lock file, as far as the file and the process table tell.
public enum LockHolder: Equatable, Sendable, CustomStringConvertible {
    case running(pid: Int32)
    case gone(pid: Int32)
    case unknown

    public var description: String {
        switch self {
        case .running(let pid):
            "another mkt (pid \(pid)) is updating it; try again"
        case .gone(let pid):
            "it was left by pid \(pid), which is no longer running; run 'mkt gc' to remove it"
        case .unknown:
            "another mkt may be running; if none is, remove the lock file"
        }
    }
}
