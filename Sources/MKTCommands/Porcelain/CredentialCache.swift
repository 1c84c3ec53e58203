import ArgumentParser
import Foundation
import MKTCredentials

extension MKT.Credential {
    struct Cache: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The credential cache, which remembers a typed master password's key for a while.",
            discussion: """
                A master password typed on the terminal is remembered for credential.cache-timeout
                seconds (900; 0 turns the cache off) by a daemon of yours that holds the store's
                key in memory only. 'mkt credential cache exit' makes it forget at once.
                """,
            subcommands: [Exit.self]
        )
    }
}

extension MKT.Credential.Cache {
    struct Exit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget every remembered key now: the daemon exits.")

        func run() throws {
            let socket = CredentialCache.socketPath(environment: ProcessInfo.processInfo.environment)
            Console.error(CredentialCache.exit(socketPath: socket) ? "credential cache: forgotten\n" : "credential cache: nothing remembered\n")
        }
    }
}

extension MKT {
    /// The daemon `mkt` starts when a typed password's key is to be
    /// remembered; it is given nothing secret on its command line.
    struct CredentialCacheDaemon: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "__credential-cache-daemon",
            abstract: "Hold the credential store's key for the credential cache.",
            shouldDisplay: false
        )

        @Argument(help: "The socket to listen on.")
        var socket: String

        func run() throws {
            let status = MKTCredentials.CredentialCacheDaemon.run(socketPath: socket)
            guard status == 0 else { throw ExitCode(status) }
        }
    }
}
