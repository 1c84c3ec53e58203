import Foundation
import MKTConfig

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
    /// The user's global config with the store's own over it.
    public let config: Config
    /// This store's `core.format` when it was opened.
    public let storeFormat: Int
    public var objects: ObjectStore
    public var refs: RefStore

    /// Opens the store at `directory` (the `.mkt` directory itself), with
    /// `global` (the user's config) under the store's own.
    public init(directory: String, global: Config = Config()) throws(StoreError) {
        let configPath = "\(directory)/config"
        let text: Data?
        do {
            text = try DurableFile.read(configPath)
        } catch .io(_, _, let code) where code == ENOTDIR {
            throw .notAStoreDirectory(path: directory, reason: "not a directory")
        }
        guard let text else { throw .notAStoreDirectory(path: directory, reason: "no config file") }
        let (config, storeFormat) = try Self.storeConfig(String(decoding: text, as: UTF8.self), path: configPath)
        self.directory = directory
        self.config = global.layered(under: config)
        self.storeFormat = storeFormat
        self.objects = ObjectStore(directory: "\(directory)/objects")
        self.refs = RefStore(root: directory)
    }

    /// A store's config text, parsed and checked: a format and hash this mkt
    /// reads, then every key against the registry.
    public static func storeConfig(_ text: String, path: String) throws(StoreError) -> (config: Config, format: Int) {
        let config: Config
        do { config = try Config.parse(text, path: path) } catch { throw .config(error) }
        guard let format = config.value("core", "format") else {
            throw .unsupportedStore(path: path, reason: "no core.format; is this an mkt store?")
        }
        guard let storeFormat = Int(format), Self.readableFormats.contains(storeFormat) else {
            throw .unsupportedStore(
                path: path, reason: "store format \(format); this mkt reads formats \(Self.readableFormats.map(String.init).joined(separator: " and "))")
        }
        let hash = config.value("core", "hash") ?? Self.hashName
        guard hash == Self.hashName else {
            throw .unsupportedStore(path: path, reason: "object hash '\(hash)'; this mkt uses \(Self.hashName)")
        }
        do { try config.validate(.store) } catch { throw .config(error) }
        return (config, storeFormat)
    }

    /// The user's config (`Config.globalPath`), parsed and checked; empty when there is none.
    public static func globalConfig(environment: [String: String]) throws(StoreError) -> Config {
        guard let path = Config.globalPath(environment: environment), let text = try DurableFile.read(path) else { return Config() }
        do {
            let config = try Config.parse(String(decoding: text, as: UTF8.self), path: path)
            try config.validate(.global)
            return config
        } catch {
            throw .config(error)
        }
    }

    /// Opens the store the way git finds `.git` (`locate`), with the user's
    /// global config under the store's.
    public static func discover(from start: String, environment: [String: String]) throws(StoreError) -> Repository {
        try Repository(directory: locate(from: start, environment: environment), global: globalConfig(environment: environment))
    }

    /// The `.mkt` directory the way git finds `.git`: `MKT_DIR` if set, else
    /// `.mkt/` in `start` or the nearest parent that has one. Nothing in it is read.
    public static func locate(from start: String, environment: [String: String]) throws(StoreError) -> String {
        if let explicit = environment["MKT_DIR"], !explicit.isEmpty {
            return absolute(explicit, relativeTo: start)
        }
        var candidate = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            let storePath = candidate == "/" ? "/\(directoryName)" : "\(candidate)/\(directoryName)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: storePath, isDirectory: &isDirectory), isDirectory.boolValue {
                return storePath
            }
            if candidate == "/" { throw .notAStore(searchedFrom: start) }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
    }

    /// Creates `.mkt/` in `workTree` (or fills in what an existing one lacks),
    /// copying each hook sample in as `hooks/<name>.sample` and writing the
    /// commented config template (`configTemplate`) where there is no config.
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
        try DurableFile.create(configPath, contents: Data(configTemplate.utf8), mode: 0o644)
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
        let current: String?
        do { current = try Config.parse(text, path: path).value("core", "format") } catch { throw .config(error) }
        guard current != String(Self.format) else { return }
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
