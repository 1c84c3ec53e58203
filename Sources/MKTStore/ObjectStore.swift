import Foundation

/// Checks an object before it is written; the credential store provides one
/// that refuses objects holding a secret.
public protocol ObjectWriteBarrier: Sendable {
    func check(_ body: Data, type: ObjectType) throws(StoreError)
}

/// Loose objects under `objects/ab/cdef…`, written once and never changed.
public struct ObjectStore: Sendable {
    /// Objects are read-only on disk: nothing in mkt rewrites one.
    static let fileMode: mode_t = 0o444

    public let directory: String
    /// Consulted before every write, once secrets are known to this process.
    public var barrier: (any ObjectWriteBarrier)?

    public init(directory: String) {
        self.directory = directory
    }

    public func path(of id: ObjectID) -> String {
        let (fanOut, file) = id.fanOut
        return "\(directory)/\(fanOut)/\(file)"
    }

    /// Stores an object and returns its id. Writing an object that exists is
    /// a no-op, unless the stored copy is damaged, in which case it is healed.
    @discardableResult
    public func write(type: ObjectType, body: Data) throws(StoreError) -> ObjectID {
        try barrier?.check(body, type: type)
        let id = LooseObject.id(type: type, body: body)
        let bytes = LooseObject.encode(type: type, body: body)
        let path = path(of: id)
        try WriterRegistry.register(store: (directory as NSString).deletingLastPathComponent)
        try DurableFile.makeDirectories((path as NSString).deletingLastPathComponent)
        let created = try DurableFile.create(path, contents: bytes, mode: Self.fileMode)
        // An object that was there already gets a fresh time, as git freshens
        // it: gc keeps what was modified since this writer registered.
        if !created { utimensat(AT_FDCWD, path, nil, 0) }
        // Read back and re-hash, as git does: a disk or filesystem that
        // returns other bytes than it was given must not go unnoticed.
        switch try verify(id) {
        case .success:
            return id
        case .failure where !created:
            try DurableFile.replace(path, contents: bytes, mode: Self.fileMode)
            if case .success = try verify(id) { return id }
            throw .unstableObject(id, path: path)
        case .failure:
            throw .unstableObject(id, path: path)
        }
    }

    /// Reads and verifies an object.
    public func read(_ id: ObjectID) throws(StoreError) -> StoredObject {
        switch try verify(id) {
        case .success(let object): return object
        case .failure(let defect): throw .corruptObject(id, path: path(of: id), defect: defect)
        }
    }

    /// Reads an object that must be of `type`.
    public func read(_ id: ObjectID, as type: ObjectType) throws(StoreError) -> Data {
        let object = try read(id)
        guard object.type == type else { throw .wrongObjectType(id, expected: type, actual: object.type) }
        return object.body
    }

    public func contains(_ id: ObjectID) -> Bool {
        access(path(of: id), F_OK) == 0
    }

    /// Decodes and re-hashes the stored bytes of `id`.
    public func verify(_ id: ObjectID) throws(StoreError) -> Result<StoredObject, LooseObject.Defect> {
        guard let data = try DurableFile.read(path(of: id)) else { throw .objectNotFound(id) }
        return LooseObject.decode(data, expected: id)
    }

    /// Every id whose hex starts with `prefix` (at least two hex digits, lower case).
    public func ids(withPrefix prefix: String) throws(StoreError) -> [ObjectID] {
        let fanOut = String(prefix.prefix(2))
        let rest = prefix.dropFirst(2)
        return try DurableFile.list("\(directory)/\(fanOut)")
            .filter { $0.hasPrefix(rest) }
            .compactMap { ObjectID(hex: fanOut + $0) }
            .sorted()
    }

    /// Every file under `objects/`, sorted: well-named objects, and anything else
    /// that is not a temp file (fsck reports those as stray).
    public func scan() throws(StoreError) -> (objects: [ObjectID], stray: [String]) {
        var objects: [ObjectID] = []
        var stray: [String] = []
        for fanOut in try DurableFile.list(directory).sorted() {
            let fanOutPath = "\(directory)/\(fanOut)"
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: fanOutPath, isDirectory: &isDirectory)
            guard isDirectory.boolValue, fanOut.utf8.count == 2, ObjectID.isLowerHex(fanOut) else {
                if !fanOut.hasPrefix(DurableFile.tempPrefix) { stray.append(fanOutPath) }
                continue
            }
            for file in try DurableFile.list(fanOutPath).sorted() where !file.hasPrefix(DurableFile.tempPrefix) {
                if ObjectID.isLowerHex(file), let id = ObjectID(hex: fanOut + file) {
                    objects.append(id)
                } else {
                    stray.append("\(fanOutPath)/\(file)")
                }
            }
        }
        return (objects, stray)
    }
}
