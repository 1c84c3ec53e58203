import ArgumentParser
import MKTStore

extension MKT {
    struct RevParse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rev-parse",
            abstract: "Turn names into full object ids.",
            discussion: """
                A name is a full id, a ref (refs/..., or a short name looked up as
                refs/NAME, refs/releases/NAME, refs/trackers/NAME), or a unique prefix
                of at least 4 hex digits of a stored object's id.
                """
        )

        @Flag(help: "Exactly one name, which must name a stored object.")
        var verify = false

        @Flag(name: .shortAndLong, help: "With --verify: print nothing on failure, only exit 1.")
        var quiet = false

        @Flag(help: "Print the path of the .mkt directory.")
        var mktDir = false

        @Argument(help: "Names to resolve.")
        var names: [String] = []

        func validate() throws {
            if verify && names.count != 1 { throw ValidationError("--verify takes exactly one name") }
            if quiet && !verify { throw ValidationError("-q goes with --verify") }
            if !mktDir && names.isEmpty { throw ValidationError("give a NAME to resolve") }
        }

        func run() throws {
            let repository = try openRepository()
            if mktDir { Console.write(repository.directory + "\n") }
            for name in names {
                do {
                    let id = try repository.resolve(name)
                    if verify && !repository.objects.contains(id) { throw CommandError.objectMissing(name) }
                    Console.write(id.hex + "\n")
                } catch where quiet {
                    throw ExitCode.failure
                }
            }
        }
    }
}
