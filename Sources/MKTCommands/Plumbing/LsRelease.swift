import ArgumentParser
import MKTWorkflow

extension MKT {
    struct LsRelease: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls-release",
            abstract: "List the files of a release: size, a tab, the path.",
            discussion: "REL is a pieces or release object, or a ref to one. Paths are relative to the release folder, in torrent order."
        )

        @Flag(help: "Print paths only.")
        var nameOnly = false

        @Flag(help: "List the files the scan left out instead.")
        var excluded = false

        @Flag(name: .customShort("z"), help: "End each entry with NUL instead of a newline.")
        var nulTerminated = false

        @Argument(help: "The release.")
        var release: String

        func run() throws {
            let tree = try openRepository().release(named: release).tree
            let end = nulTerminated ? "\0" : "\n"
            if excluded {
                for path in tree.excluded { Console.write(path + end) }
                return
            }
            for file in tree.files {
                Console.write((nameOnly ? file.path : "\(file.size)\t\(file.path)") + end)
            }
        }
    }
}
