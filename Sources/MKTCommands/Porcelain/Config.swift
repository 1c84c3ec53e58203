import ArgumentParser
import Foundation
import MKTConfig
import MKTStore

extension MKT {
    /// `mkt config`; `Config` alone would hide MKTConfig's type in every command.
    struct ConfigCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Read and change the config: the store's .mkt/config, or with --global the user's.",
            discussion: """
                'mkt config KEY' prints the value of KEY (exit status 1 when it is not set);
                'mkt config KEY VALUE' sets it, once VALUE fits the key's type. KEY is
                section.key or section.NAME.key: push.retries, tracker.ops.url. --add gives a
                repeatable key (client.NAME.path-map) one more value; --unset removes a key;
                --list prints every key that is set, as KEY=VALUE.

                Reading sees the user's config ($XDG_CONFIG_HOME/mkt/config, or
                ~/.config/mkt/config) under the store's, whose values win; outside a store,
                the user's alone. Writing changes the store's, or with --global the user's.
                The file is edited in place: comments and every other line stay as they were.
                Every key, with its type and default: Documentation/mkt-config.md.

                Examples:
                  mkt config push.retries 5
                  mkt config --global tracker.red.timeout 60s
                  mkt config --add client.qbt.path-map /downloads=/srv/music
                  mkt config --list --show-origin
                """
        )

        @Flag(help: "Read or write the user's config alone, not the store's.")
        var global = false

        @Flag(help: "Print every key that is set, as KEY=VALUE.")
        var list = false

        @Flag(help: "Before each value, the file and line it comes from.")
        var showOrigin = false

        @Flag(help: "Give a repeatable KEY one more value, keeping the others.")
        var add = false

        @Option(help: ArgumentHelp("Remove KEY (every value it has in the file).", valueName: "KEY"))
        var unset: String?

        // A VALUE may start with '-' (push.backoff -1 must reach the type check).
        @Argument(parsing: .allUnrecognized, help: "KEY, or KEY VALUE.")
        var arguments: [String] = []

        func validate() throws {
            let modes = [list, unset != nil, !arguments.isEmpty].filter { $0 }.count
            guard modes == 1 else { throw ValidationError("give KEY, KEY VALUE, --unset KEY or --list") }
            guard arguments.count <= 2 else { throw ValidationError("too many arguments: KEY VALUE at most (quote a value with spaces)") }
            guard !add || arguments.count == 2 else { throw ValidationError("--add needs KEY VALUE") }
            guard !showOrigin || list || arguments.count == 1 else { throw ValidationError("--show-origin goes with --list or KEY") }
        }

        func run() throws {
            if list {
                for entry in try readConfig().entries { Console.write(line(entry, entry.name + "=" + entry.value)) }
            } else if let unset {
                let path = try ConfigKeyPath(parsing: unset)
                try edit { text, file throws(ConfigError) in
                    guard let edited = try Config.unsetting(path, in: text, file: file) else {
                        _ = try path.registered()
                        throw ConfigError(nil, "\(path.name): not set in \(file)")
                    }
                    return edited
                }
            } else if arguments.count == 1 {
                let path = try ConfigKeyPath(parsing: arguments[0])
                let registered = try path.registered()
                let entries = try readConfig().entries(path.section, path.key, subsection: path.subsection)
                guard !entries.isEmpty else { throw ExitCode.failure }
                for entry in registered.repeatable ? entries : entries.suffix(1) { Console.write(line(entry, entry.value)) }
            } else {
                let path = try ConfigKeyPath(parsing: arguments[0])
                let registered = try path.registered()
                if add && !registered.repeatable { throw ValidationError("\(path.name) has one value; set it without --add") }
                do {
                    _ = try registered.type.parse(arguments[1])
                } catch {
                    throw ConfigError(nil, "\(path.name): \(error.reason)")
                }
                if global, ConfigRegistry.section(path.section)?.storeOnly == true {
                    throw ConfigError(nil, "\(path.name): only a store's own config may set [\(path.section)]")
                }
                try edit { text, file throws(ConfigError) in try Config.setting(path, to: arguments[1], adding: add, in: text, file: file) }
            }
        }

        private func line(_ entry: Config.Entry, _ text: String) -> String {
            (showOrigin ? "\(entry.origin)\t" : "") + text + "\n"
        }

        private var environment: [String: String] { ProcessInfo.processInfo.environment }

        /// The config a read sees: the user's alone with --global, else the store's over it.
        private func readConfig() throws -> Config {
            global ? try Repository.globalConfig(environment: environment) : try configIfInStore()
        }

        /// Changes the file a write goes to, under `FILE.lock`: the store's
        /// config (found, not opened: a store whose config has an error can be
        /// mended this way) or the user's. The store's must still open as a
        /// store afterwards (core.format and core.hash stay what this mkt reads).
        private func edit(_ change: (String, String) throws(ConfigError) -> String) throws {
            let file: String
            if global {
                guard let path = Config.globalPath(environment: environment) else {
                    throw ValidationError("--global: neither XDG_CONFIG_HOME nor HOME is set")
                }
                file = path
                try DurableFile.makeDirectories((path as NSString).deletingLastPathComponent, mode: 0o700)
            } else {
                file = try Repository.locate(from: FileManager.default.currentDirectoryPath, environment: environment) + "/config"
            }
            try FileLock.withLock(for: file) {
                let existing = try DurableFile.read(file)
                if existing == nil && !global {
                    throw StoreError.notAStoreDirectory(path: (file as NSString).deletingLastPathComponent, reason: "no config file")
                }
                let edited = try change(existing.map { String(decoding: $0, as: UTF8.self) } ?? "", file)
                if !global {
                    do {
                        _ = try Repository.storeConfig(edited, path: file)
                    } catch let error as StoreError {
                        // Problems already in the file stay for the user to mend; the edit may not make the store unreadable.
                        if case .unsupportedStore = error { throw error }
                    }
                }
                var info = stat()
                let mode = stat(file, &info) == 0 ? info.st_mode & 0o7777 : 0o644
                try DurableFile.replace(file, contents: Data(edited.utf8), mode: mode)
            }
        }
    }
}
