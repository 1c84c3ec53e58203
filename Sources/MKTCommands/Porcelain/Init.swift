import ArgumentParser
import MKTStore

extension MKT {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an empty mkt store, or fill in what an existing one lacks.",
            discussion: """
                Makes DIRECTORY/.mkt/ with its config (a commented template: the
                tracker, client and seed sections a user fills), objects/, refs/, logs/
                and hooks/, where the sample hooks are copied as *.sample. Running it
                again on an existing store is safe: it changes nothing that is there.

                Examples:
                  mkt init
                  mkt init ~/music/releases
                """
        )

        /// What a new store needs before its first push, in order.
        static let nextStep = "next: mkt credential set red --api-key, then mkt credential set red --passkey, then mkt doctor; see README 'Set up a tracker'"

        @Argument(help: "Where to create .mkt/ (default: the current directory).")
        var directory: String = "."

        @Flag(name: .shortAndLong, help: "Print nothing on success.")
        var quiet = false

        func run() throws {
            let (repository, existed) = try Repository.initialize(in: directory, hookSamples: HookSamples.load())
            if !quiet {
                Console.write("\(existed ? "Reinitialized existing" : "Initialized empty") mkt store in \(repository.directory)/\n")
                if !existed { Console.write(Self.nextStep + "\n") }
            }
        }
    }
}
