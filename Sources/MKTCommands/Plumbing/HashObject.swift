import ArgumentParser
import Foundation
import MKTStore
import MKTWorkflow

extension MKT {
    struct HashObject: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-object",
            abstract: "Compute the id of an object, and with -w store it.",
            discussion: """
                Prints one id per input: standard input first (--stdin), then each FILE,
                then each path read from standard input (--stdin-paths). The id is the
                SHA-256 of "<type> <size>\\0<contents>". Without -w no store is needed.
                Contents of a torrent, pieces or release object are checked first, and a
                torrent with an announce URL is refused: stored torrents never hold one.
                """
        )

        @Option(name: .shortAndLong, help: "The object type: blob, release, pieces, meta, torrent or receipt.")
        var type = "blob"

        @Flag(name: .customShort("w"), help: "Write the object into the store.")
        var write = false

        @Flag(help: "Read the object from standard input.")
        var stdin = false

        @Flag(help: "Skip the check that the contents are a well-formed object of the type (torrent, pieces, release).")
        var literally = false

        @Flag(help: "Read file paths from standard input, one per line.")
        var stdinPaths = false

        @Argument(help: "Files to hash.")
        var files: [String] = []

        func validate() throws {
            if stdin && stdinPaths { throw ValidationError("--stdin and --stdin-paths cannot be used together") }
            if !stdin && !stdinPaths && files.isEmpty { throw ValidationError("nothing to hash: give FILE, --stdin or --stdin-paths") }
        }

        func run() throws {
            let objectType = try ObjectType(parsing: type)
            let repository = write ? try openRepository() : nil
            // Release bodies are written as this mkt writes them: in a format-2 store.
            if objectType == .release { try repository?.raiseFormat() }
            let store = repository?.objects
            func hash(_ body: Data, label: String) throws {
                if !literally { try ObjectFormats.validate(body, as: objectType, label: label) }
                let id = try store?.write(type: objectType, body: body) ?? LooseObject.id(type: objectType, body: body)
                Console.write(id.hex + "\n")
            }
            if stdin { try hash(FileHandle.standardInput.readDataToEndOfFile(), label: "standard input") }
            for file in files { try hash(try readFile(file), label: file) }
            if stdinPaths {
                while let path = readLine(strippingNewline: true) {
                    try hash(try readFile(path), label: path)
                }
            }
        }

        private func readFile(_ path: String) throws(StoreError) -> Data {
            guard let data = try DurableFile.read(path, streams: true) else { throw .io(operation: "read", path: path, errno: ENOENT) }
            return data
        }
    }
}
