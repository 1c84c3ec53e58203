import Foundation
import MKTTestSupport
import Testing

/// Manual pages, `mkt help`, bare `mkt`, and shell completion (contrib/completion).
struct HelpAndCompletionJourneyTests {
    static let completionDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../contrib/completion").standardized.path

    static func installed(_ program: String) -> Bool {
        ["/usr/bin", "/bin", "/usr/local/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    /// The pages are named as git's are, so `man mkt-push` finds one, and mkt(1) has what git(1) has.
    @Test func manualPagesAreNamedAsGitsAndRender() throws {
        try withTemporaryDirectory { directory in
            let generated = try MKTProcess.shell("'\(Self.completionDirectory)/generate.sh' mkt out --man", in: directory)
            #expect(generated.status == 0, "\(generated)")
            let pages = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out/man1")
            #expect(pages.contains("mkt-push.1") && pages.contains("mkt-credential-set.1") && pages.contains("mkt.1"), "\(pages)")
            #expect(!pages.contains { $0.hasPrefix("mkt.") && $0 != "mkt.1" }, "\(pages)")
            #expect(!pages.contains { $0.contains("complete") || $0.contains("manual") }, "hidden commands have no page: \(pages)")
            let push = try String(contentsOfFile: "\(directory)/out/man1/mkt-push.1", encoding: .utf8)
            #expect(push.hasPrefix(".TH MKT\\-PUSH 1 "), "\(push.prefix(80))")
            let main = try String(contentsOfFile: "\(directory)/out/man1/mkt.1", encoding: .utf8)
            for section in ["COMMANDS", "FILES", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"] {
                #expect(main.contains("\n.SH \(section)\n"), "mkt.1 lacks \(section)")
            }
            for mention in [".SS Porcelain commands", ".SS Plumbing commands", ".BR mkt\\-push (1)", ".BR mkt\\-push\\-tracker (1)", "MKT_DIR", "MKT_PASSWORD_COMMAND", "$XDG_STATE_HOME/mkt/ratelimit/", ".mkt/config", "mkt push red ops"] {
                #expect(main.contains(mention), "mkt.1 lacks \(mention)")
            }
            guard Self.installed("man") else { return }
            for page in ["mkt.1", "mkt-push.1", "mkt-lookup.1"] {
                let rendered = try MKTProcess.shell("MANWIDTH=80 man --warnings -l out/man1/\(page)", in: directory)
                #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(page): \(rendered)")
                let title = page.dropLast(2).uppercased()
                #expect(rendered.stdout.hasPrefix("\(title)(1)"), "\(page): \(rendered.stdout.prefix(80))")
            }
        }
    }

    /// As git: bare `mkt` prints the usage and the command list and fails; `mkt help [COMMAND]` is `--help`.
    @Test func bareMktAndHelpBehaveAsGits() throws {
        let help = try MKTProcess.run(["--help"], in: "/")
        let bare = try MKTProcess.run([], in: "/")
        #expect(bare.status == 1 && bare.stderr.isEmpty, "\(bare)")
        #expect(bare.stdout == help.stdout && bare.stdout.contains("PLUMBING SUBCOMMANDS:\n  hash-object"), "\(bare)")
        let helpCommand = try MKTProcess.run(["help"], in: "/")
        #expect(helpCommand.status == 0 && helpCommand.stdout == help.stdout, "\(helpCommand)")
        let setHelp = try MKTProcess.run(["credential", "set", "--help"], in: "/")
        let helpSet = try MKTProcess.run(["help", "credential", "set"], in: "/")
        #expect(helpSet.status == 0 && helpSet.stdout == setHelp.stdout && helpSet.stdout.hasPrefix("OVERVIEW: Store a secret"), "\(helpSet)")
        let unknown = try MKTProcess.run(["help", "pussh"], in: "/")
        #expect(unknown.status == 64 && unknown.stdout.isEmpty, "\(unknown)")
        #expect(unknown.stderr.hasPrefix("error: 'pussh' is not an mkt command; 'mkt help' lists them\n"), "\(unknown)")
    }

    /// Every porcelain command's help ends its discussion with examples to copy.
    @Test func everyPorcelainCommandShowsExamples() throws {
        let help = try MKTProcess.run(["--help"], in: "/").stdout
        let section = help.components(separatedBy: "PORCELAIN SUBCOMMANDS:\n").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }  // a name, not a wrapped abstract
            return line.split(separator: " ").first.map(String.init)
        }
        #expect(commands.count > 20 && commands.contains("push") && commands.contains("spectrals"), "\(commands)")
        for command in commands {
            let shown = try MKTProcess.run([command, "--help"], in: "/", environment: ["COLUMNS": "1000"])
            #expect(shown.stdout.contains("Examples:\n  mkt "), "\(command) --help has no examples")
        }
    }

    /// A discussion line longer than the terminal is wrapped by argument-parser
    /// alone, leaving a word or two on a line of its own mid-sentence.
    @Test(arguments: ["doctor", "lookup"])
    func discussionLinesFitEightyColumns(command: String) throws {
        let wide = try MKTProcess.run([command, "--help"], in: "/", environment: ["COLUMNS": "1000"])
        let discussion = wide.stdout.components(separatedBy: "\n\n").dropFirst().prefix { !$0.hasPrefix("USAGE:") }
        #expect(!discussion.isEmpty, "\(wide)")
        for line in discussion.joined(separator: "\n").split(separator: "\n") {
            #expect(line.count < 80, "\(command): \(line)")
        }
    }

    /// A store with two trackers of its own and one release.
    static func storeWithTrackersAndRelease(in directory: String) throws -> String {
        try MKTProcess.run(["init", "-q"], in: directory)
        let config = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/.mkt/config"))
        config.seekToEndOfFile()
        config.write(Data("[tracker \"alpha\"]\n\turl = http://127.0.0.1:9\n[tracker \"beta\"]\n\turl = http://127.0.0.1:9\n".utf8))
        try config.close()
        let folder = try FLACFixture.release(in: directory, album: "Completion")
        let added = try MKTProcess.run(["add", "--yes", "-q", folder], in: directory)
        #expect(added.status == 0, "\(added)")
        let refs = try MKTProcess.run(["for-each-ref", "--format", "%(refname)", "refs/releases/"], in: directory)
        let release = refs.stdout.split(separator: "\n").first.map { String($0.dropFirst("refs/releases/".count)) } ?? ""
        #expect(!release.isEmpty, "\(refs)")
        return release
    }

    @Test func hiddenCompleteCommandNamesTheStoresTrackersAndReleases() throws {
        try withTemporaryDirectory { directory in
            let release = try Self.storeWithTrackersAndRelease(in: directory)
            let trackers = try MKTProcess.run(["__complete", "trackers"], in: directory)
            #expect(trackers.status == 0 && trackers.stdout == "alpha\nbeta\ndic\nmam\nops\nred\n", "\(trackers)")
            let releases = try MKTProcess.run(["__complete", "releases"], in: directory)
            #expect(releases.stdout == "\(release)\n", "\(releases)")
            let refs = try MKTProcess.run(["__complete", "refs"], in: directory)
            #expect(refs.stdout == "refs/releases/\(release)\n", "\(refs)")
            let types = try MKTProcess.run(["__complete", "release-types"], in: directory)
            #expect(types.stdout.hasPrefix("Album\nSoundtrack\nEP\n") && types.stdout.contains("Live album\n") && !types.stdout.contains("Unknown"), "\(types)")
            let media = try MKTProcess.run(["__complete", "media"], in: directory)
            #expect(media.stdout.split(separator: "\n").contains("Vinyl"), "\(media)")
            let encodings = try MKTProcess.run(["__complete", "encodings"], in: directory)
            #expect(encodings.stdout.split(separator: "\n").contains("V0 (VBR)"), "\(encodings)")

            // The command line decides which list fits.
            func line(_ words: String...) throws -> String { try MKTProcess.run(["__complete", "--", "mkt"] + words, in: directory).stdout }
            #expect(try line("push", "") == "alpha\nbeta\ndic\nmam\nops\nred\n\(release)\n")
            #expect(try line("push", "--dry-run", "a") == "alpha\n")
            #expect(try line("seed", "red", "") == "\(release)\n")
            #expect(try line("adopt", "") == "alpha\nbeta\ndic\nmam\nops\nred\n")
            #expect(try line("adopt", "red", "") == "\(release)\n")
            #expect(try line("log", "--tracker", "b") == "beta\n")
            #expect(try line("add", "--media", "S") == "Soundboard\nSACD\n")
            #expect(try line("edit", release, "--meta", "release-type=Li") == "release-type=Live album\n")
            #expect(try line("edit", release, "--meta", "enc") == "encoding=\n")
            #expect(try line("add", "") == ":folders\n")
            #expect(try line("credential", "set", "") == "alpha\nbeta\ndic\nmam\nops\nred\n")
            #expect(try line("pu") == ":default\n")
            #expect(try line("push", "--dr") == ":default\n")
            // Outside a store: the built-in trackers, no releases, and no error.
            let outside = try MKTProcess.run(["__complete", "--", "mkt", "push", ""], in: "/")
            #expect(outside.status == 0 && outside.stdout == "dic\nmam\nops\nred\n" && outside.stderr.isEmpty, "\(outside)")
        }
    }

    /// The bash script, sourced as bash-completion would, fills COMPREPLY from `mkt __complete`.
    @Test func bashCompletesTrackersReleasesValuesAndFolders() throws {
        guard Self.installed("bash") else { return }
        try withTemporaryDirectory { directory in
            let release = try Self.storeWithTrackersAndRelease(in: directory)
            let generated = try MKTProcess.shell("'\(Self.completionDirectory)/generate.sh' mkt out", in: directory)
            #expect(generated.status == 0, "\(generated)")
            try FileManager.default.createDirectory(atPath: "\(directory)/Some Folder", withIntermediateDirectories: true)
            /// COMPREPLY, one per line, for the words given (as bash splits them; the last is the one completed).
            func complete(_ words: [String]) throws -> String {
                let quoted = words.map { "'\($0)'" }.joined(separator: " ")
                let script = "source out/bash/mkt; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _mkt_values mkt \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"; printf '%s\\n' \"${COMPREPLY[@]}\""
                let result = try MKTProcess.shell("bash -c '\(script.replacingOccurrences(of: "'", with: "'\\''"))'", in: directory)
                #expect(result.status == 0 && result.stderr.isEmpty, "\(words): \(result)")
                return result.stdout
            }
            #expect(try complete(["mkt", "push", "r"]) == "red\n")
            #expect(try complete(["mkt", "push", "red", ""]) == "alpha\nbeta\ndic\nmam\nops\nred\n\(release)\n")
            #expect(try complete(["mkt", "export", "--tracker", "al"]) == "alpha\n")
            // bash splits `media=S` at '='; only the part after it is replaced.
            #expect(try complete(["mkt", "edit", release, "--meta", "media", "=", "S"]) == "Soundboard\nSACD\n")
            #expect(try complete(["mkt", "add", "So"]) == "Some Folder\n")
            // Commands and flags are still the generated script's.
            #expect(try complete(["mkt", "pu"]).contains("push\n"))
            #expect(try complete(["mkt", "push", "--dry"]).contains("--dry-run"))
        }
    }

    /// fish and zsh ask the same candidates (fish's `complete -C` lists them without a terminal).
    @Test func fishAndZshScriptsUseTheSameCandidates() throws {
        try withTemporaryDirectory { directory in
            let release = try Self.storeWithTrackersAndRelease(in: directory)
            let generated = try MKTProcess.shell("'\(Self.completionDirectory)/generate.sh' mkt out", in: directory)
            #expect(generated.status == 0, "\(generated)")
            if Self.installed("fish") {
                let fish = try MKTProcess.shell("fish --no-config -c 'source out/fish/mkt.fish; complete -C \"mkt log --tracker b\"; complete -C \"mkt push o\"'", in: directory)
                #expect(fish.stdout == "beta\nops\n", "\(fish)")
            }
            if Self.installed("zsh") {
                // Without a terminal zsh's completion system does not run; compadd and _path_files stand in, printing what they are given.
                let stubs = "compdef() { :; }; compadd() { print -r -- \"compadd $*\"; }; _path_files() { print -r -- \"_path_files $*\"; }"
                let calls = "words=(mkt push \"\"); CURRENT=3; _mkt_values; words=(mkt edit x --meta media=S); CURRENT=5; _mkt_values; words=(mkt add \"\"); CURRENT=3; _mkt_values"
                let zsh = try MKTProcess.shell("zsh -n out/zsh/_mkt && zsh -fc '\(stubs); source out/zsh/_mkt; \(calls)'", in: directory)
                #expect(zsh.stdout == "compadd -- alpha beta dic mam ops red \(release)\ncompadd -- media=Soundboard media=SACD\n_path_files -/\n", "\(zsh)")
            }
        }
    }
}
