import ArgumentParser
import Foundation
import MKTStore
import MKTWorkflow

extension MKT {
    struct CatFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cat-file",
            abstract: "Print an object's type, size or contents.",
            discussion: """
                  mkt cat-file (-t | -s | -p | -e) OBJECT
                  mkt cat-file TYPE OBJECT          contents, if OBJECT is of TYPE
                  mkt cat-file --batch-check        for each name on stdin: id type size
                  mkt cat-file --batch              the same line, then the contents
                --format takes %(objectname), %(objecttype), %(objectsize) and %(rest)
                (the input line after its first space). A name that resolves to no
                object prints "<name> missing"; an ambiguous one "<name> ambiguous".
                """
        )

        @Flag(name: .customShort("t"), help: "Print the object's type.")
        var showType = false

        @Flag(name: .customShort("s"), help: "Print the object's size in bytes.")
        var showSize = false

        @Flag(name: .customShort("p"), help: "Print the object's contents.")
        var pretty = false

        @Flag(name: .customShort("e"), help: "Exit 0 if the object exists and is valid, 1 otherwise; print nothing.")
        var exists = false

        @Flag(help: "Read names from standard input; print a line per object.")
        var batchCheck = false

        @Flag(help: "Like --batch-check, followed by the contents and a newline.")
        var batch = false

        @Option(help: "The batch line format.")
        var format = "%(objectname) %(objecttype) %(objectsize)"

        @Argument(help: "TYPE and OBJECT, or OBJECT alone with -t, -s, -p or -e.")
        var arguments: [String] = []

        func validate() throws {
            let modes = [showType, showSize, pretty, exists, batchCheck, batch].filter { $0 }.count
            if batchCheck || batch {
                guard modes == 1, arguments.isEmpty else { throw ValidationError("--batch and --batch-check take no other mode or argument") }
            } else if modes == 1 {
                guard arguments.count == 1 else { throw ValidationError("expected exactly one OBJECT") }
            } else {
                guard modes == 0, arguments.count == 2 else {
                    throw ValidationError("give one of -t, -s, -p, -e with OBJECT, or TYPE OBJECT")
                }
            }
            try BatchFormat.check(format)
        }

        func run() throws {
            let repository = try openRepository()
            if batch || batchCheck { return try runBatch(repository) }
            let name = arguments.last!
            if exists {
                guard let id = try? repository.resolve(name), case .success = try? repository.objects.verify(id) else {
                    throw ExitCode.failure
                }
                return
            }
            let id = try repository.resolve(name)
            let object = try repository.objects.read(id)
            if showType {
                Console.write(object.type.rawValue + "\n")
            } else if showSize {
                Console.write("\(object.body.count)\n")
            } else if pretty {
                Console.write(try ObjectFormats.pretty(object, id: id))
            } else {
                Console.write(try repository.objects.read(id, as: try ObjectType(parsing: arguments[0])))
            }
        }

        private func runBatch(_ repository: Repository) throws {
            while let line = readLine(strippingNewline: true) {
                let name = line.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                let rest = line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                let id: ObjectID
                do {
                    id = try repository.resolve(name)
                    guard repository.objects.contains(id) else { throw StoreError.unknownName(name) }
                } catch StoreError.ambiguousName {
                    Console.write("\(ObjectFormats.quoted(name)) ambiguous\n")
                    try Console.flush()
                    continue
                } catch {
                    // Every line gets its answer, whatever it holds (a NUL, a bad ref name), so a coprocess stays in step.
                    Console.write("\(ObjectFormats.quoted(name)) missing\n")
                    try Console.flush()
                    continue
                }
                let object = try repository.objects.read(id)
                Console.write(BatchFormat.render(format, id: id, object: object, rest: rest) + "\n")
                if batch {
                    Console.write(object.body)
                    Console.write("\n")
                }
                // Answer each line as it comes, so a script can hold a conversation.
                try Console.flush()
            }
        }
    }
}

/// `%(atom)` formats shared by cat-file's batch modes.
enum BatchFormat {
    static let atoms = ["objectname", "objecttype", "objectsize", "rest"]

    static func check(_ format: String) throws {
        for atom in Placeholders.atoms(in: format) where !atoms.contains(atom) {
            throw ValidationError("unknown format field '%(\(atom))'")
        }
    }

    static func render(_ format: String, id: ObjectID, object: StoredObject, rest: String) -> String {
        Placeholders.expand(format) { atom in
            switch atom {
            case "objectname": id.hex
            case "objecttype": object.type.rawValue
            case "objectsize": String(object.body.count)
            default: rest
            }
        }
    }
}
