import Foundation

/// An opened `.mkt/` store.
public struct Repository: Sendable {
    /// The format this build writes (`core.format` of a new store): release
    /// bodies hold content only (Documentation/repository-layout.md).
    public static let format = 2
    /// The formats this build reads: a format-1 store's release bodies, with
    /// their stat data, still decode.
    public static let readableFormats = 1...2
    /// The object-id hash (`core.hash`).
    public static let hashName = "sha256"
    public static let directoryName = ".mkt"

    /// Absolute path of the `.mkt` directory.
    public let directory: String
    public let config: StoreConfig
    /// This store's `core.format` when it was opened.
    public let storeFormat: Int
    public var objects: ObjectStore
    public var refs: RefStore

    /// Opens the store at `directory` (the `.mkt` directory itself).
    public init(directory: String) throws(StoreError) {
        let configPath = "\(directory)/config"
        let text: Data?
        do {
            text = try DurableFile.read(configPath)
        } catch .io(_, _, let code) where code == ENOTDIR {
            throw .notAStoreDirectory(path: directory, reason: "not a directory")
        }
        guard let text else { throw .notAStoreDirectory(path: directory, reason: "no config file") }
        let config = try StoreConfig.parse(String(decoding: text, as: UTF8.self), path: configPath)
        guard let format = config.value("core", "format") else {
            throw .unsupportedStore(path: configPath, reason: "no core.format; is this an mkt store?")
        }
        guard let storeFormat = Int(format), Self.readableFormats.contains(storeFormat) else {
            throw .unsupportedStore(
                path: configPath, reason: "store format \(format); this mkt reads formats \(Self.readableFormats.map(String.init).joined(separator: " and "))")
        }
        let hash = config.value("core", "hash") ?? Self.hashName
        guard hash == Self.hashName else {
            throw .unsupportedStore(path: configPath, reason: "object hash '\(hash)'; this mkt uses \(Self.hashName)")
        }
        self.directory = directory
        self.config = config
        self.storeFormat = storeFormat
        self.objects = ObjectStore(directory: "\(directory)/objects")
        self.refs = RefStore(root: directory)
    }

    /// Finds the store the way git finds `.git`: `MKT_DIR` if set, else
    /// `.mkt/` in `start` or the nearest parent that has one.
    public static func discover(from start: String, environment: [String: String]) throws(StoreError) -> Repository {
        if let explicit = environment["MKT_DIR"], !explicit.isEmpty {
            return try Repository(directory: absolute(explicit, relativeTo: start))
        }
        var candidate = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            let storePath = candidate == "/" ? "/\(directoryName)" : "\(candidate)/\(directoryName)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: storePath, isDirectory: &isDirectory), isDirectory.boolValue {
                return try Repository(directory: storePath)
            }
            if candidate == "/" { throw .notAStore(searchedFrom: start) }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
    }

    /// Creates `.mkt/` in `workTree` (or fills in what an existing one lacks),
    /// copying each hook sample in as `hooks/<name>.sample`.
    /// - Returns: the store, and whether it existed already.
    public static func initialize(
        in workTree: String,
        hookSamples: [(name: String, contents: Data)]
    ) throws(StoreError) -> (repository: Repository, existed: Bool) {
        let directory = "\(URL(fileURLWithPath: workTree).standardizedFileURL.path)/\(directoryName)"
        let configPath = "\(directory)/config"
        let existed = FileManager.default.fileExists(atPath: configPath)
        for sub in ["objects", "refs/releases", "refs/trackers", "logs/refs", "hooks"] {
            try DurableFile.makeDirectories("\(directory)/\(sub)")
        }
        for sample in hookSamples {
            try DurableFile.create("\(directory)/hooks/\(sample.name).sample", contents: sample.contents, mode: 0o755)
        }
        // The config goes last: a store without one is not a store, so a
        // crash part way leaves nothing that `discover` would open.
        try DurableFile.create(configPath, contents: Data(StoreConfig.initial(format: format, hash: hashName).utf8), mode: 0o644)
        return (try Repository(directory: directory), existed)
    }

    /// Raises a format-1 store to format 2 before this mkt writes its first
    /// format-2 release body there, rewriting the `format` lines of `[core]`
    /// and nothing else, so that an mkt that reads only format 1 refuses the
    /// store rather than misreading its releases. The objects stay as they
    /// are: format-1 bodies are format 2's too.
    public func raiseFormat() throws(StoreError) {
        guard storeFormat < Self.format else { return }
        let path = "\(directory)/config"
        guard let data = try DurableFile.read(path) else { throw .notAStoreDirectory(path: directory, reason: "no config file") }
        let text = String(decoding: data, as: UTF8.self)
        guard try StoreConfig.parse(text, path: path).value("core", "format") != String(Self.format) else { return }
        var inCore = false
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { inCore = line.lowercased() == "[core]" }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if inCore, parts.count == 2, parts[0].lowercased() == "format" {
                lines[index] = "\tformat = \(Self.format)"
            }
        }
        try DurableFile.replace(path, contents: Data(lines.joined(separator: "\n").utf8), mode: 0o644)
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
        return url.standardizedFileURL.path
    }
}
