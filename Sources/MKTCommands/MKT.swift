import ArgumentParser
import Foundation
import MKTArchive
import MKTClients
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
                    Init.self, Add.self, Edit.self, Push.self, Seed.self, Queue.self, Status.self, Log.self, Stats.self, Export.self, Verify.self, Doctor.self,
                    Credential.self, Fsck.self, GC.self,
                ]
            ),
            CommandGroup(
                name: "Plumbing",
                subcommands: [
                    HashObject.self, CatFile.self, UpdateRef.self, RevParse.self, ForEachRef.self,
                    HashRelease.self, MakeTorrent.self, LsRelease.self, Sanitize.self, Probe.self, CheckRelease.self,
                    DescribeRelease.self, Lookup.self, PushTracker.self,
                ]
            ),
        ]
    )

    public init() {}

    /// Runs one invocation and exits: usage errors with 64, failures with 1,
    /// each reported as one `error:` line on stderr.
    public static func main(_ arguments: [String]) async -> Never {
        var arguments = Array(arguments.dropFirst())
        do {
            while arguments.first == "-C" {
                guard arguments.count >= 2 else { throw ValidationError("-C needs a directory") }
                if chdir(arguments[1]) != 0 { throw CommandError.cannotChangeDirectory(arguments[1], errno: errno) }
                arguments.removeFirst(2)
            }
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try Console.flush()
            Foundation.exit(0)
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as CommandError {
            fail(error.description)
        } catch let error as TorrentError {
            fail(error.description)
        } catch let error as ObjectFormatError {
            fail(error.description)
        } catch let error as WorkflowError {
            fail(error.description)
        } catch let error as CredentialError {
            fail(error.description)
        } catch let error as TrackerError {
            fail(error.description)
        } catch let error as HookError {
            fail(error.description)
        } catch let error as ArchiveError {
            fail(error.description)
        } catch let error as ClientError {
            fail(error.description)
        } catch {
            try? Console.flush()
            exit(withError: error)
        }
    }

    private static func fail(_ message: String) -> Never {
        try? Console.flush()
        Console.error("error: \(message)\n")
        Foundation.exit(1)
    }
}

/// Opens the store the current directory belongs to.
func openRepository() throws(StoreError) -> Repository {
    try Repository.discover(
        from: FileManager.default.currentDirectoryPath,
        environment: ProcessInfo.processInfo.environment
    )
}

/// The store's config inside a store; outside one, the defaults (built-in trackers only).
func configIfInStore() -> StoreConfig {
    (try? openRepository())?.config ?? StoreConfig()
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
