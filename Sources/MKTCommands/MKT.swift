import ArgumentParser
import Foundation
import MKTArchive
import MKTClients
import MKTConfig
import MKTCredentials
import MKTHooks
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

/// The `mkt` command: porcelain for everyday use, plumbing for scripts.
public struct MKT: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "mkt",
        abstract: "Publish music and audiobook releases to private trackers, and remember what was done.",
        discussion: """
            Global options, given before the command:
              -C <dir>    run as if mkt was started in <dir>
            The store is found like git finds .git: MKT_DIR if set, else .mkt/
            in the current directory or the nearest parent that has one.
            """,
        version: "mkt version \(version)",
        groupedSubcommands: [
            CommandGroup(
                name: "Porcelain",
                subcommands: [
                    Init.self, Add.self, Edit.self, Show.self, Transcode.self, Push.self, Watch.self, Seed.self, Adopt.self, Queue.self, Notify.self, Status.self, Log.self, Stats.self, Spectrals.self, Export.self, Verify.self, Doctor.self,
                    Credential.self, ConfigCommand.self, Fsck.self, GC.self,
                ]
            ),
            CommandGroup(
                name: "Plumbing",
                subcommands: [
                    HashObject.self, CatFile.self, UpdateRef.self, RevParse.self, ForEachRef.self,
                    HashRelease.self, MakeTorrent.self, LsRelease.self, Sanitize.self, Probe.self, CheckRelease.self, CheckLog.self,
                    DescribeRelease.self, Lookup.self, PushTracker.self,
                    // Hidden: what the completion scripts and the man page generator ask (contrib/completion).
                    Complete.self, WriteManual.self, CredentialCacheDaemon.self,
                ]
            ),
        ]
    )

    public init() {}

    /// Runs one invocation and exits: 0 on success, 1 for a failure, 64 for
    /// a usage error, or the status a command chose (`mkt push` stopped by Ctrl-C: 130).
    public static func main(_ arguments: [String]) async -> Never {
        ProcessHardening.apply()
        var arguments = Array(arguments.dropFirst())
        var parsed: (any ParsableCommand)?
        do {
            while arguments.first == "-C" {
                guard arguments.count >= 2 else { throw ValidationError("-C needs a directory") }
                if chdir(arguments[1]) != 0 { throw CommandError.cannotChangeDirectory(arguments[1], errno: errno) }
                arguments.removeFirst(2)
            }
            // As git: no command is the usage and the command list, and a failure.
            if arguments.isEmpty {
                Console.write(helpMessage() + "\n")
                try Console.flush()
                Foundation.exit(1)
            }
            // argument-parser's help falls back to mkt's own for a name it does not know; git says so.
            if arguments.first == "help", commandPath(Array(arguments.dropFirst())).count < arguments.count {
                throw ValidationError("'\(arguments.dropFirst().joined(separator: " "))' is not an mkt command; 'mkt help' lists them")
            }
            var command = try parseAsRoot(arguments)
            parsed = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try Console.flush()
            Foundation.exit(0)
        } catch {
            // Before a command was parsed, anything but a failed chdir is a usage error.
            finish(with: error, command: commandPath(arguments), parsing: parsed == nil && !(error is CommandError))
        }
    }

    /// The one way out for every failure: one `error:` line (secrets
    /// redacted) and exit status 1; for a usage error (a line that does not
    /// parse, or a command's ValidationError) the command's own usage follows
    /// and the status is 64. Help, `--version` and a status a command chose
    /// go through argument-parser as they are.
    static func finish(with error: any Error, command: [any ParsableCommand.Type], parsing: Bool) -> Never {
        try? Console.flush()
        if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
        let usageError = parsing || error is ValidationError
        Console.diagnose(.error, "\(usageError ? message(for: error) : String(describing: error))")
        guard usageError, let last = command.last else { Foundation.exit(1) }
        let usage = usageString(for: last).trimmingCharacters(in: .whitespacesAndNewlines)
        let help = (["mkt", "help"] + command.dropFirst().map { $0._commandName }).joined(separator: " ")
        Console.error("usage: \(usage)\nSee '\(help)' for more.\n")
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }

    /// The commands the arguments name, outermost first (`mkt credential set …` -> MKT, Credential, Set).
    static func commandPath(_ arguments: [String]) -> [any ParsableCommand.Type] {
        var path: [any ParsableCommand.Type] = [MKT.self]
        for argument in arguments {
            guard let next = path[path.count - 1].configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(next)
        }
        return path
    }
}

/// The store the current directory belongs to, as the command context opens it (secret barrier in place).
func openRepository() throws(StoreError) -> Repository {
    try CommandContext(store: .required).store
}

/// The config of the store the current directory belongs to, with the
/// user's global config under it; outside any store, the global config alone.
func configIfInStore() throws(StoreError) -> Config {
    try CommandContext(store: .optional).config
}

/// True when `path` names a folder on disk, rather than a release in the store.
func isFolder(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}

/// A release's short name: `refs/releases/NAME` or NAME.
func shortReleaseName(_ name: String) -> String {
    name.hasPrefix("refs/releases/") ? String(name.dropFirst("refs/releases/".count)) : name
}
