import ArgumentParser
import Foundation
import MKTSources
import MKTConfig
import MKTCredentials
import MKTStore

extension MKT {
    struct Credential: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep tracker API keys, passkeys and cookies in the encrypted credential store.",
            discussion: """
                The store is one file, encrypted with AES-256-GCM: by default
                ~/.config/mkt/credentials ($XDG_CONFIG_HOME/mkt/credentials, or
                MKT_CREDENTIALS). The master password comes from MKT_PASSWORD_COMMAND,
                MKT_PASSWORD_FILE, MKT_PASSWORD, or a prompt on the terminal; one typed
                there is remembered for credential.cache-timeout (900 s). Secrets are
                read from standard input or a prompt, never from arguments, and only their
                last four characters are ever shown.

                Examples:
                  mkt credential set red --api-key
                  mkt credential set red --passkey
                  mkt credential list
                  mkt credential cache exit
                """,
            subcommands: [Set.self, List.self, Rotate.self, Remove.self, Passwd.self, Cache.self, Fill.self]
        )
    }
}

/// Shared by the credential subcommands: open (or create) the store under its lock.
enum CredentialCommand {
    static var path: String { CredentialStore.defaultPath(environment: ProcessInfo.processInfo.environment) }

    static func withStore<T>(creating: Bool = false, _ body: (CredentialStore) throws -> T) throws -> T {
        let path = self.path
        let environment = ProcessInfo.processInfo.environment
        let cache = try CommandContext(store: .optional).credentialCache()
        if !CredentialStore.exists(at: path) {
            guard creating else { throw CredentialError.io(operation: "open", path: path, errno: ENOENT) }
            try DurableFile.makeDirectories((path as NSString).deletingLastPathComponent, mode: 0o700)
        }
        return try CredentialLock.withLock(for: path) {
            let store: CredentialStore
            if CredentialStore.exists(at: path) {
                store = try CredentialStore.unlock(at: path, environment: environment, cache: cache)
            } else {
                let password = try MasterPassword.obtain(prompt: "new mkt master password: ", confirm: true)
                store = try CredentialStore.create(at: path, password: password)
                store.remember(in: cache, environment: environment)
                Console.error("created \(path)\n")
            }
            Console.protect(store.secrets)
            return try body(store)
        }
    }

    /// The secret to store: from standard input when it is not a terminal, else a prompt without echo.
    static func readSecret(prompt: String) throws -> String {
        var bytes: [UInt8]
        if isatty(0) == 0 {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            if bytes.last == 0x0a { bytes.removeLast() }
            if bytes.last == 0x0d { bytes.removeLast() }
        } else {
            bytes = try MasterPassword.ask(prompt)
        }
        guard let secret = String(validating: bytes, as: UTF8.self) else { throw CredentialError.badSecret(reason: "it is not UTF-8 text") }
        try MKTCredentials.Credential.validate(secret: secret)
        Console.protect([secret])
        return secret
    }

    static func kind(apiKey: Bool, passkey: Bool, cookie: Bool, password: Bool) throws -> CredentialKind {
        switch (apiKey, passkey, cookie, password) {
        case (_, false, false, false): .apiKey
        case (false, true, false, false): .passkey
        case (false, false, true, false): .cookie
        case (false, false, false, true): .password
        default: throw ValidationError("give one of --api-key, --passkey, --cookie, --password")
        }
    }
}

extension MKT.Credential {
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a secret for a tracker (from standard input, or a prompt).",
            discussion: "Creates the credential store on first use. Prints the new credential's id."
        )

        @Argument(help: "The tracker: red, ops, dic, or any name in your config.")
        var tracker: String

        @Flag(help: "An API key (the default).")
        var apiKey = false

        @Flag(help: "The tracker passkey, for announce URLs.")
        var passkey = false

        @Flag(help: "A session cookie, for sites without an API.")
        var cookie = false

        @Flag(help: "A BitTorrent client's password (give the client's name, as in [client \"NAME\"]).")
        var password = false

        @Option(help: "A label, such as the machine or the key's purpose.")
        var label = ""

        func run() throws {
            let kind = try CredentialCommand.kind(apiKey: apiKey, passkey: passkey, cookie: cookie, password: password)
            try Self.checkName(tracker, kind: kind, context: try CommandContext(store: .optional))
            let id = try CredentialCommand.withStore(creating: true) { store in
                let secret = try CredentialCommand.readSecret(prompt: "\(kind) for \(tracker): ")
                let added = try store.add(tracker: tracker, kind: kind, secret: secret, label: label, replacing: false)
                try store.save()
                return added.id
            }
            Console.write(id + "\n")
        }

        /// A secret is for a name mkt will ask for: a tracker the config (or
        /// the catalog) knows, a web service, or a client (for --password).
        static func checkName(_ name: String, kind: CredentialKind, context: CommandContext) throws {
            let trackers = context.config.trackers.names
            let services = WebSource.allCases.map(\.rawValue)
            let clients = context.config.clientNames
            let known = kind == .password ? clients : trackers + services
            guard !known.contains(name) else { return }
            let suggestion = Suggestion.closest(to: name, among: known).map { "; did you mean \($0)?" } ?? ""
            let outside = context.repository == nil ? " (a tracker or client of a store's own config: run this inside that store)" : ""
            throw ValidationError(kind == .password
                ? "'\(name)' is not a client in the config\(suggestion) (clients: \(clients.joined(separator: ", ")))\(outside)"
                : "'\(name)' is not a tracker or service mkt knows\(suggestion) (trackers: \(trackers.joined(separator: ", ")); services: \(services.joined(separator: ", ")))\(outside)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored credentials: ids, labels, ages, and the last 4 characters only.")

        func run() throws {
            let rows = try CredentialCommand.withStore { store in
                store.records.map { record -> [String] in
                    [
                        record.id, record.tracker, record.kind.rawValue, record.active ? "active" : "inactive",
                        Self.age(record.created), record.lastUsed.map(Self.age) ?? "never", record.maskedTail,
                        record.label,
                    ]
                }
            }
            let header = ["ID", "TRACKER", "KIND", "STATE", "ADDED", "LAST USED", "SECRET", "LABEL"]
            let table = [header] + rows
            let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
            for row in table {
                let cells = row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }
                Console.write(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n")
            }
        }

        static func age(_ time: Int64) -> String {
            let seconds = max(0, Int64(Date().timeIntervalSince1970) - time)
            switch seconds {
            case ..<120: return "just now"
            case ..<7200: return "\(seconds / 60) minutes ago"
            case ..<172_800: return "\(seconds / 3600) hours ago"
            default: return "\(seconds / 86400) days ago"
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a tracker's API key: the new one becomes active, the old ones inactive (kept until removed)."
        )

        @Argument(help: "The tracker.")
        var tracker: String

        @Option(help: "A label for the new key.")
        var label = ""

        func run() throws {
            let id = try CredentialCommand.withStore { store in
                let secret = try CredentialCommand.readSecret(prompt: "new API key for \(tracker): ")
                let added = try store.add(tracker: tracker, kind: .apiKey, secret: secret, label: label, replacing: true)
                try store.save()
                return added.id
            }
            Console.write(id + "\n")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a credential by its id.")

        @Argument(help: "The id, as 'mkt credential list' shows it.")
        var id: String

        func run() throws {
            try CredentialCommand.withStore { store in
                try store.remove(id: id)
                try store.save()
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the master password.",
            discussion: "The new password comes from MKT_NEW_PASSWORD_COMMAND, MKT_NEW_PASSWORD_FILE, MKT_NEW_PASSWORD, or a prompt (twice)."
        )

        func run() throws {
            try CredentialCommand.withStore { store in
                try store.changePassword(to: try MasterPassword.obtain(prefix: "MKT_NEW_PASSWORD", prompt: "new mkt master password: ", confirm: true))
                // The key is the same under the new password; the old one typed must not keep it open.
                store.forget(in: try CommandContext(store: .optional).credentialCache())
            }
        }
    }

    struct Fill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plumbing: answer a credential-helper request from the store.",
            discussion: """
                Reads key=value lines (tracker=..., kind=api-key|passkey|cookie|password) up to a
                blank line, and prints them back with secret=... added: the same protocol
                mkt speaks to helpers, so scripts and other tools can use the store.
                This is the one command that prints a secret, by design.
                """
        )

        func run() throws {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true), !line.isEmpty { lines.append(line) }
            let request = CredentialHelper.parse(lines.joined(separator: "\n"))
            guard let tracker = request["tracker"] else { throw CommandError.badInput(source: "credential fill", line: 1, reason: "no tracker=") }
            guard let kind = CredentialKind(rawValue: request["kind"] ?? "api-key") else {
                throw CommandError.badInput(source: "credential fill", line: 1, reason: "kind must be api-key, passkey, cookie or password")
            }
            let secret = try CredentialCommand.withStore { store in
                let credential = try store.use(tracker: tracker, kind: kind)
                try store.save()
                return credential.secret
            }
            Console.write("tracker=\(tracker)\nkind=\(kind.rawValue)\nsecret=\(secret)\n\n")
        }
    }
}
