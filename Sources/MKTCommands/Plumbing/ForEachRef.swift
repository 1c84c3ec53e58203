import ArgumentParser
import Foundation
import MKTStore

extension MKT {
    struct ForEachRef: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "for-each-ref",
            abstract: "List refs, sorted by name, in a format of your choosing.",
            discussion: """
                A PATTERN matches a ref if it is the ref's name, a leading part of it up to
                a '/', or a shell glob over the whole name (refs/trackers/*/some-album).
                Format fields: %(refname), %(refname:short) (without 'refs/'),
                %(objectname), %(objectname:short) (12 digits), %(objecttype),
                %(objectsize); %% is a literal '%'. A ref whose object is missing or
                corrupt is skipped with a warning on stderr.
                """
        )

        static let atoms = ["refname", "refname:short", "objectname", "objectname:short", "objecttype", "objectsize"]

        @Option(help: "The line format.")
        var format = "%(objectname) %(objecttype)\t%(refname)"

        @Option(help: "Stop after this many refs.")
        var count: Int?

        @Argument(help: "Patterns to match; all refs when none is given.")
        var patterns: [String] = []

        func validate() throws {
            for atom in Placeholders.atoms(in: format) where !Self.atoms.contains(atom) {
                throw ValidationError("unknown format field '%(\(atom))'")
            }
            if let count, count < 0 { throw ValidationError("--count must not be negative") }
        }

        func run() throws {
            let repository = try openRepository()
            let needsObject = Placeholders.atoms(in: format).contains { $0 == "objecttype" || $0 == "objectsize" }
            var printed = 0
            for (name, value) in try repository.refs.list() where patterns.isEmpty || patterns.contains(where: { matches($0, name) }) {
                if let count, printed >= count { break }
                let id: ObjectID
                var object: StoredObject?
                do {
                    id = try value.get()
                    if needsObject { object = try repository.objects.read(id) }
                } catch {
                    Console.diagnose(.warning, "ignoring broken ref \(name): \(error)")
                    continue
                }
                Console.write(
                    Placeholders.expand(format) { atom in
                        switch atom {
                        case "refname": name
                        case "refname:short": String(name.dropFirst("refs/".count))
                        case "objectname": id.hex
                        case "objectname:short": String(id.hex.prefix(12))
                        case "objecttype": object?.type.rawValue ?? ""
                        default: object.map { String($0.body.count) } ?? ""
                        }
                    } + "\n")
                printed += 1
            }
        }

        private func matches(_ pattern: String, _ name: String) -> Bool {
            if pattern.contains(where: { "*?[".contains($0) }) {
                return fnmatch(pattern, name, FNM_PATHNAME) == 0
            }
            let prefix = pattern.hasSuffix("/") ? pattern : pattern + "/"
            return name == pattern || name.hasPrefix(prefix)
        }
    }
}
