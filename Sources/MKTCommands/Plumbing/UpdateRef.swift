import ArgumentParser
import Foundation
import MKTStore

extension MKT {
    struct UpdateRef: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-ref",
            abstract: "Point a ref at an object, safely: with OLD, only if it still holds OLD.",
            discussion: """
                  mkt update-ref [-m MSG] REF NEW [OLD]
                  mkt update-ref [-m MSG] -d REF [OLD]
                  mkt update-ref [-m MSG] --stdin [-z]
                OLD is compare-and-swap: the update happens only if REF holds OLD now;
                64 zeros (or an empty string) mean REF must not exist yet. With --stdin,
                one command per line, all applied or none:
                  update REF NEW [OLD]
                  create REF NEW
                  delete REF [OLD]
                  verify REF [OLD]     (without OLD: REF must not exist)
                With -z, fields end with NUL instead of space and newline, and an empty
                OLD field means "not given".
                """
        )

        @Option(name: .customShort("m"), help: "The reflog message.")
        var message = "update-ref"

        @Flag(name: .customShort("d"), help: "Delete REF.")
        var delete = false

        @Flag(help: "Read updates from standard input; apply all or none.")
        var stdin = false

        @Flag(name: .customShort("z"), help: "With --stdin: NUL-terminated fields.")
        var nulTerminated = false

        @Argument(help: "REF NEW [OLD], or REF [OLD] with -d.")
        var arguments: [String] = []

        func validate() throws {
            if stdin {
                guard arguments.isEmpty, !delete else { throw ValidationError("--stdin takes no REF and no -d") }
            } else {
                if nulTerminated { throw ValidationError("-z goes with --stdin") }
                let range = delete ? 1...2 : 2...3
                guard range.contains(arguments.count) else {
                    throw ValidationError(delete ? "usage: mkt update-ref -d REF [OLD]" : "usage: mkt update-ref REF NEW [OLD]")
                }
            }
        }

        func run() throws {
            let repository = try openRepository()
            let updates: [RefUpdate]
            if stdin {
                updates = try RefUpdateScript.parse(FileHandle.standardInput.readDataToEndOfFile(), nulTerminated: nulTerminated) {
                    try repository.resolve($0)
                }
            } else {
                let name = arguments[0]
                let old = delete ? arguments.dropFirst().first : arguments.dropFirst(2).first
                let expected = try old.map { $0.isEmpty ? RefExpectation.missing : RefExpectation(try repository.resolve($0)) } ?? .any
                let action = delete ? RefUpdate.Action.delete : .set(try repository.resolve(arguments[1]))
                updates = [RefUpdate(name: name, action: action, expected: expected)]
            }
            try repository.update(updates, message: message)
        }
    }
}

/// The `update-ref --stdin` language.
enum RefUpdateScript {
    static func parse(
        _ input: Data,
        nulTerminated: Bool,
        resolve: (String) throws -> ObjectID
    ) throws -> [RefUpdate] {
        let text = String(decoding: input, as: UTF8.self)
        let commands: [(line: Int, fields: [String])]
        if nulTerminated {
            commands = try splitNulTerminated(text)
        } else {
            commands = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
                line.isEmpty ? nil : (index + 1, line.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
            }
        }
        return try commands.map { line, fields in
            func bad(_ reason: String) -> CommandError { .badInput(source: "update-ref --stdin", line: line, reason: reason) }
            func expectation(_ field: String?, absent: RefExpectation) throws -> RefExpectation {
                guard let field, !field.isEmpty else { return absent }
                return RefExpectation(try resolve(field))
            }
            guard let verb = fields.first, fields.count >= 2, !fields[1].isEmpty else { throw bad("expected '<command> <ref> ...'") }
            let name = fields[1]
            let values = Array(fields.dropFirst(2))
            switch (verb, values.count) {
            case ("update", 1...2):
                return RefUpdate(name: name, action: .set(try resolve(values[0])), expected: try expectation(values.dropFirst().first, absent: .any))
            case ("create", 1):
                return RefUpdate(name: name, action: .set(try resolve(values[0])), expected: .missing)
            case ("delete", 0...1):
                return RefUpdate(name: name, action: .delete, expected: try expectation(values.first, absent: .any))
            case ("verify", 0...1):
                return RefUpdate(name: name, action: .verify, expected: try expectation(values.first, absent: .missing))
            case ("update", _), ("create", _), ("delete", _), ("verify", _):
                throw bad("wrong number of fields for '\(verb)'")
            default:
                throw bad("unknown command '\(verb)'")
            }
        }
    }

    /// `-z` input: `<verb> SP <ref> NUL` followed by the verb's value fields, each NUL-terminated.
    private static func splitNulTerminated(_ text: String) throws -> [(line: Int, fields: [String])] {
        var tokens = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        if tokens.last == "" { tokens.removeLast() }
        var commands: [(Int, [String])] = []
        var index = 0
        while index < tokens.count {
            let head = tokens[index].split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let valueCount = ["update": 2, "create": 1, "delete": 1, "verify": 1][head[0]] ?? 0
            guard head.count == 2, index + valueCount < tokens.count || valueCount == 0 else {
                throw CommandError.badInput(source: "update-ref --stdin -z", line: commands.count + 1, reason: "expected '<command> <ref>' and its NUL-terminated fields")
            }
            commands.append((commands.count + 1, head + tokens[(index + 1)..<(index + 1 + valueCount)]))
            index += 1 + valueCount
        }
        return commands
    }
}
