import Foundation

/// What a ref must hold for an update to go ahead (compare-and-swap).
public enum RefExpectation: Equatable, Sendable, CustomStringConvertible {
    /// No check.
    case any
    /// The ref must not exist.
    case missing
    /// The ref must hold exactly this id.
    case value(ObjectID)

    /// git's convention: the all-zero id means "must not exist".
    public init(_ id: ObjectID) {
        self = id.isZero ? .missing : .value(id)
    }

    public var description: String {
        switch self {
        case .any: "any value"
        case .missing: "no ref"
        case .value(let id): id.hex
        }
    }

    func isMet(by current: ObjectID?) -> Bool {
        switch self {
        case .any: true
        case .missing: current == nil
        case .value(let id): current == id
        }
    }
}

/// One change in a ref transaction.
public struct RefUpdate: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// Point the ref at an object, creating it if needed.
        case set(ObjectID)
        /// Remove the ref and its reflog.
        case delete
        /// Change nothing; only check the expectation.
        case verify
    }

    public let name: String
    public let action: Action
    public let expected: RefExpectation

    public init(name: String, action: Action, expected: RefExpectation = .any) {
        self.name = name
        self.action = action
        self.expected = expected
    }
}

/// One line of a reflog: a ref moved from `old` to `new` (either may be zero).
public struct ReflogEntry: Equatable, Sendable {
    public let old: ObjectID
    public let new: ObjectID
    public let time: Int64
    public let message: String
}

/// Refs are files under `refs/` holding one id and a newline; each move is
/// logged under `logs/refs/`. All changes go through `commit`, which locks
/// every ref it touches, checks every expectation, and only then writes.
public struct RefStore: Sendable {
    public static let fileMode: mode_t = 0o644
    /// How long a writer waits for another writer's lock before giving up.
    public static let defaultLockTimeout = Duration.seconds(5)

    /// The store directory (`.mkt`), under which `refs/` and `logs/` live.
    public let root: String
    public var lockTimeout: Duration

    public init(root: String, lockTimeout: Duration = RefStore.defaultLockTimeout) {
        self.root = root
        self.lockTimeout = lockTimeout
    }

    public func path(of name: String) -> String { "\(root)/\(name)" }
    public func reflogPath(of name: String) -> String { "\(root)/logs/\(name)" }

    /// The id a ref holds; nil when there is no such ref.
    public func read(_ name: String) throws(StoreError) -> ObjectID? {
        try RefName.validate(name)
        let path = path(of: name)
        let data: Data?
        do {
            data = try DurableFile.read(path)
        } catch .io(_, _, let code) where code == ENOTDIR || code == EISDIR {
            return nil
        }
        guard let data else { return nil }
        return try Self.parse(data, name: name, path: path)
    }

    /// Every ref under `prefix`, sorted by name; a corrupt ref comes back as
    /// its error so callers can report it and carry on.
    public func list(under prefix: String = "refs") throws(StoreError) -> [(name: String, value: Result<ObjectID, StoreError>)] {
        var names: [String] = []
        try collect(prefix, into: &names)
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { name in
            do throws(StoreError) {
                guard let data = try DurableFile.read(path(of: name)) else {
                    throw .corruptRef(name, path: path(of: name), reason: "vanished while listing")
                }
                return (name, .success(try Self.parse(data, name: name, path: path(of: name))))
            } catch {
                return (name, .failure(error))
            }
        }
    }

    /// Lock files under `refs/`, for fsck and gc.
    public func lockFiles() throws(StoreError) -> [String] {
        var locks: [String] = []
        try walk("refs") { relative, _ in
            if relative.hasSuffix(".lock") { locks.append(path(of: relative)) }
        }
        return locks.sorted()
    }

    public func reflog(_ name: String) throws(StoreError) -> [Result<ReflogEntry, StoreError>] {
        let path = reflogPath(of: name)
        guard let data = try DurableFile.read(path) else { return [] }
        var entries: [Result<ReflogEntry, StoreError>] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            if let entry = Self.parseReflogLine(line) {
                entries.append(.success(entry))
            } else {
                entries.append(.failure(.corruptRef(name, path: "\(path):\(index + 1)", reason: "malformed reflog line")))
            }
        }
        return entries
    }

    /// Applies every update or none. Refs are locked in name order (so two
    /// transactions cannot deadlock), every expectation is checked under the
    /// locks, then reflogs and refs are written. If a write fails midway, the
    /// refs already written are put back.
    public func commit(_ updates: [RefUpdate], message: String) throws(StoreError) {
        var seen = Set<String>()
        for update in updates {
            try RefName.validate(update.name)
            guard seen.insert(update.name).inserted else { throw .duplicateRefUpdate(update.name) }
        }
        let ordered = updates.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var locks: [LockFile] = []
        defer {
            locks.forEach { $0.release() }
            // Locking made parent directories; drop the ones nothing ended up in.
            for update in ordered {
                pruneEmptyDirectories(above: path(of: update.name), stoppingAt: "\(root)/refs")
            }
        }
        var current: [String: ObjectID] = [:]
        for update in ordered {
            locks.append(try lock(update.name))
            let value = try read(update.name)
            current[update.name] = value
            guard update.expected.isMet(by: value) else {
                throw .refChanged(update.name, expected: update.expected, found: value)
            }
            if case .set = update.action, let existing = firstRef(inside: update.name) {
                throw .refConflict(update.name, existing: existing)
            }
        }
        var applied: [(update: RefUpdate, reflogLength: Int64??)] = []
        do throws(StoreError) {
            for update in ordered {
                applied.append((update, try apply(update, old: current[update.name] ?? nil, message: message)))
            }
        } catch {
            for (update, reflogLength) in applied.reversed() {
                try? restore(update.name, to: current[update.name] ?? nil)
                if let reflogLength { try? DurableFile.truncate(reflogPath(of: update.name), to: reflogLength) }
            }
            throw error
        }
    }

    // MARK: - Writing

    private func lock(_ name: String) throws(StoreError) -> LockFile {
        let path = path(of: name)
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try DurableFile.makeDirectories(parent)
        } catch .io(_, _, let code) where code == ENOTDIR || code == EEXIST {
            throw .refConflict(name, existing: blockingAncestor(of: name) ?? parent)
        }
        return try LockFile.acquire(path + ".lock", for: name, timeout: lockTimeout)
    }

    /// - Returns: for a set, the reflog's length before its new line (nil:
    ///   the reflog is new), so that a rollback can take the line back.
    private func apply(_ update: RefUpdate, old: ObjectID?, message: String) throws(StoreError) -> Int64?? {
        switch update.action {
        case .verify:
            return .none
        case .set(let new):
            let reflogLength = try appendReflog(update.name, old: old ?? .zero, new: new, message: message)
            do throws(StoreError) {
                try DurableFile.replace(path(of: update.name), contents: Data((new.hex + "\n").utf8), mode: Self.fileMode)
            } catch {
                // The reflog must not tell of a move that did not happen.
                try? DurableFile.truncate(reflogPath(of: update.name), to: reflogLength)
                throw error
            }
            return .some(reflogLength)
        case .delete:
            guard old != nil else { return .none }
            try DurableFile.remove(path(of: update.name))
            try? DurableFile.remove(reflogPath(of: update.name))
            pruneEmptyDirectories(above: reflogPath(of: update.name), stoppingAt: "\(root)/logs/refs")
            return .none
        }
    }

    private func restore(_ name: String, to value: ObjectID?) throws(StoreError) {
        if let value {
            try DurableFile.replace(path(of: name), contents: Data((value.hex + "\n").utf8), mode: Self.fileMode)
        } else {
            try DurableFile.remove(path(of: name))
        }
    }

    private func appendReflog(_ name: String, old: ObjectID, new: ObjectID, message: String) throws(StoreError) -> Int64? {
        let path = reflogPath(of: name)
        do {
            try DurableFile.makeDirectories((path as NSString).deletingLastPathComponent)
        } catch .io(_, _, let code) where code == ENOTDIR || code == EEXIST {
            throw .refConflict(name, existing: "a reflog under \(root)/logs")
        }
        let oneLine = message.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        let line = "\(old.hex) \(new.hex) \(Int64(time(nil)))\t\(String(oneLine))\n"
        return try DurableFile.append(path, contents: Data(line.utf8), mode: Self.fileMode)
    }

    private func pruneEmptyDirectories(above path: String, stoppingAt top: String) {
        var directory = (path as NSString).deletingLastPathComponent
        while directory.hasPrefix(top + "/"), rmdir(directory) == 0 {
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    // MARK: - Reading helpers

    static func parse(_ data: Data, name: String, path: String) throws(StoreError) -> ObjectID {
        let text = String(decoding: data, as: UTF8.self)
        guard !data.isEmpty else { throw .corruptRef(name, path: path, reason: "empty file") }
        let line = text.hasSuffix("\n") ? String(text.dropLast()) : text
        if let id = ObjectID(hex: line), ObjectID.isLowerHex(line) {
            guard text.hasSuffix("\n") else { throw .corruptRef(name, path: path, reason: "missing newline after the id") }
            return id
        }
        if line.utf8.count > ObjectID.hexLength, let id = ObjectID(hex: line.prefix(ObjectID.hexLength)),
            ObjectID.isLowerHex(line.prefix(ObjectID.hexLength))
        {
            throw .corruptRef(name, path: path, reason: "extra bytes after the id \(id)")
        }
        throw .corruptRef(name, path: path, reason: "not an object id: '\(StoreError.printable(String(line.prefix(40))))'")
    }

    static func parseReflogLine(_ line: Data) -> ReflogEntry? {
        let text = String(decoding: line, as: UTF8.self)
        let (head, message) = text.firstIndex(of: "\t").map { (text[..<$0], String(text[text.index(after: $0)...])) }
            ?? (Substring(text), "")
        let fields = head.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, let old = ObjectID(hex: fields[0]), let new = ObjectID(hex: fields[1]),
            let time = Int64(fields[2])
        else { return nil }
        return ReflogEntry(old: old, new: new, time: time, message: message)
    }

    private func collect(_ relative: String, into names: inout [String]) throws(StoreError) {
        try walk(relative) { name, isDirectory in
            if !isDirectory && RefName.isValid(name) { names.append(name) }
        }
    }

    /// Visits every entry below `relative` (a path inside the store), depth first.
    private func walk(_ relative: String, _ visit: (String, Bool) -> Void) throws(StoreError) {
        for entry in try DurableFile.list(path(of: relative)) {
            let child = "\(relative)/\(entry)"
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path(of: child), isDirectory: &isDirectory)
            visit(child, isDirectory.boolValue)
            if isDirectory.boolValue { try walk(child, visit) }
        }
    }

    /// A ref stored below `name` (so `name` cannot be a file), if any.
    private func firstRef(inside name: String) -> String? {
        var names: [String] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path(of: name), isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        try? collect(name, into: &names)
        if names.isEmpty && rmdir(path(of: name)) == 0 { return nil }
        return names.sorted().first ?? name + "/"
    }

    /// The ref that is a file where `name` needs a directory.
    private func blockingAncestor(of name: String) -> String? {
        var components = name.split(separator: "/").dropLast()
        while !components.isEmpty {
            let candidate = components.joined(separator: "/")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(of: candidate), isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            components = components.dropLast()
        }
        return nil
    }
}
