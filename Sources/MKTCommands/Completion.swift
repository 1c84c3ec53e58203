import ArgumentParser
import Foundation
import MKTCatalog
import MKTMetadata
import MKTStore
import MKTWorkflow

/// The words shell completion offers, and which of them fit where on a
/// command line. The bash, zsh and fish scripts (contrib/completion) ask
/// `mkt __complete` rather than keeping lists of their own, so the catalog
/// stays the one place trackers and vocabulary are named.
enum Completion {
    /// A list of words `mkt __complete KIND` prints.
    enum Kind: String, CaseIterable, Sendable {
        case trackers, releases, refs, media, encodings, formats
        case releaseTypes = "release-types"
        case metaFields = "meta-fields"
    }

    /// What fits at the word being completed.
    enum Answer: Equatable {
        /// Not a value mkt knows better than the generated script: commands, flags.
        case shellDefault
        /// These lists, and with `folders` the directories too.
        case kinds([Kind], folders: Bool)
        /// A `--meta FIELD=VALUE` word: with a field whose values are a list, that list, else the field names.
        case metaAssignment
    }

    /// Where the lists come from; the store and config are read only when a list needs them.
    struct Lists {
        var trackers: () -> [String]
        var releases: () -> [String]
        var refs: () -> [String]

        func words(_ kind: Kind) -> [String] {
            switch kind {
            case .trackers: trackers()
            case .releases: releases()
            case .refs: refs()
            case .media: MetaEdit.mediaNames
            case .encodings: TrackerCatalog.encodings
            case .formats: TrackerCatalog.formats
            case .releaseTypes: ReleaseType.allCases.filter { $0 != .unknown }.map(\.rawValue)
            case .metaFields: MetaEdit.fieldNames
            }
        }
    }

    /// The options whose value is one of mkt's lists.
    static let optionValues: [String: Kind] = ["--tracker": .trackers, "--media": .media, "--release": .releases]
    /// The options whose value is a folder.
    static let folderOptions: Set<String> = ["-C", "--extract-to"]

    /// What fits at the last of `words`, the command line after `mkt` (the
    /// last word is the one being completed, empty for a new one).
    static func answer(for words: [String]) -> Answer {
        var words = words
        while words.count > 2, words[0] == "-C" { words.removeFirst(2) }
        guard words.count >= 2, let current = words.last else { return .shellDefault }
        let previous = words[words.count - 2]
        if let kind = optionValues[previous] { return .kinds([kind], folders: false) }
        if folderOptions.contains(previous) { return .kinds([], folders: true) }
        if previous == "--meta" { return .metaAssignment }
        if current.hasPrefix("-") { return .shellDefault }
        // The words before this one that are arguments, not options or their values.
        var arguments: [String] = []
        var index = 1
        while index < words.count - 1 {
            let word = words[index]
            if optionValues[word] != nil || folderOptions.contains(word) || word == "--meta" {
                index += 2
                continue
            }
            if !word.hasPrefix("-") { arguments.append(word) }
            index += 1
        }
        return positional(command: words[0], arguments: arguments)
    }

    /// What a command takes as its next argument, after `arguments`.
    private static func positional(command: String, arguments: [String]) -> Answer {
        switch command {
        case "push": .kinds([.trackers, .releases], folders: false)
        case "seed": .kinds([arguments.isEmpty ? .trackers : .releases], folders: false)
        case "adopt":
            switch arguments.count {
            case 0: .kinds([.trackers], folders: false)
            case 1: .kinds([.releases], folders: false)
            default: .shellDefault  // the .torrent file
            }
        case "push-tracker": arguments.isEmpty ? .kinds([.trackers], folders: false) : .shellDefault
        case "add", "make-torrent", "hash-release", "probe": .kinds([], folders: true)
        case "edit", "ls-release", "export", "log", "status": .kinds([.releases], folders: false)
        case "verify": arguments.isEmpty ? .kinds([.releases], folders: false) : .kinds([], folders: true)
        case "check-release", "describe-release", "lookup": .kinds([.releases], folders: true)
        case "rev-parse", "for-each-ref", "update-ref", "cat-file": .kinds([.refs], folders: false)
        case "credential":
            arguments.count == 1 && ["set", "get", "rotate"].contains(arguments[0]) ? .kinds([.trackers], folders: false) : .shellDefault
        case "queue":
            arguments.first.map { ["cancel", "prioritize"].contains($0) } == true ? .kinds([.releases], folders: false) : .shellDefault
        default: .shellDefault
        }
    }

    /// The `--meta` fields whose values come from a list.
    static let metaFieldValues: [String: Kind] = ["media": .media, "encoding": .encodings, "format": .formats, "release-type": .releaseTypes]

    /// The lines `mkt __complete -- mkt WORDS…` prints: the candidates that
    /// start with the word being completed, one per line, then `:folders` if
    /// directories fit too; `:default` alone hands the word back to the
    /// generated script (commands and flags).
    static func lines(for words: [String], lists: Lists) -> [String] {
        let current = words.last ?? ""
        switch answer(for: words) {
        case .shellDefault:
            return [":default"]
        case .kinds(let kinds, let folders):
            let candidates = kinds.flatMap(lists.words).filter { $0.hasPrefix(current) }
            return candidates + (folders ? [":folders"] : [])
        case .metaAssignment:
            if let equals = current.firstIndex(of: "=") {
                let field = String(current[..<equals])
                guard let kind = metaFieldValues[field] else { return [] }
                return lists.words(kind).map { "\(field)=\($0)" }.filter { $0.hasPrefix(current) }
            }
            return MetaEdit.fieldNames.map { "\($0)=" }.filter { $0.hasPrefix(current) }
        }
    }
}

extension MKT {
    /// `mkt __complete KIND` or `mkt __complete -- mkt WORDS…`: what the completion scripts ask. Hidden.
    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "__complete",
            abstract: "Print completion candidates, for the shell completion scripts.",
            discussion: "KIND is one of: \(Completion.Kind.allCases.map(\.rawValue).joined(separator: ", ")).",
            shouldDisplay: false
        )

        @Argument(parsing: .captureForPassthrough, help: "KIND, or -- and the command line with the word being completed last.")
        var words: [String] = []

        func run() throws {
            // Completion never fails aloud: a missing store or a broken config means fewer candidates.
            let context = try? CommandContext(store: .optional)
            let lists = Completion.Lists(
                trackers: { context?.config.trackers.names ?? TrackerCatalog(sections: [:]).names },
                releases: { (try? context?.repository?.refs.list(under: "refs/releases"))?.map { shortReleaseName($0.name) } ?? [] },
                refs: { (try? context?.repository?.refs.list(under: "refs"))?.map(\.name) ?? [] }
            )
            let lines: [String]
            if words.first == "--" {
                // The words as the shell has them, the program's name first.
                lines = Completion.lines(for: Array(words.dropFirst(2)), lists: lists)
            } else if words.count == 1, let kind = Completion.Kind(rawValue: words[0]) {
                lines = lists.words(kind)
            } else {
                throw ValidationError("expected a KIND (\(Completion.Kind.allCases.map(\.rawValue).joined(separator: ", "))) or -- and a command line")
            }
            Console.write(lines.map { "\($0)\n" }.joined())
        }
    }
}
