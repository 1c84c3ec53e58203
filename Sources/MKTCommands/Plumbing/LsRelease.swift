import ArgumentParser
import MKTWorkflow

extension MKT {
    struct LsRelease: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls-release",
            abstract: "List the files of a release: size, a tab, the path.",
            discussion: #"REL is a pieces or release object, or a ref to one. Paths are relative to the release folder, in torrent order; a path with a control character, a double quote or a backslash is quoted as git quotes paths ("a\nb"), except with -z."#
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
            // With -z a name goes as it is; on lines, quoted (as git quotes paths), so no name can forge a line.
            func shown(_ path: String) -> String { nulTerminated ? path : ObjectFormats.quoted(path) }
            if excluded {
                for path in tree.excluded { Console.write(shown(path) + end) }
                return
            }
            for file in tree.files {
                Console.write((nameOnly ? shown(file.path) : "\(file.size)\t\(shown(file.path))") + end)
            }
        }
    }
}
