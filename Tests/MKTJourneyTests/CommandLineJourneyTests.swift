import Foundation
import MKTTestSupport
import Testing

/// The command line itself: help, version, exit codes, store discovery.
struct CommandLineJourneyTests {
    @Test func helpListsPorcelainAndPlumbingApart() throws {
        let result = try MKTProcess.run(["--help"], in: "/")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == """
            OVERVIEW: Publish music and audiobook releases to private trackers, and
            remember what was done.

            Global options, given before the command:
              -C <dir>    run as if mkt was started in <dir>
            The store is found like git finds .git: MKT_DIR if set, else .mkt/
            in the current directory or the nearest parent that has one.

            USAGE: mkt <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            PORCELAIN SUBCOMMANDS:
              init                    Create an empty mkt store, or fill in what an
                                      existing one lacks.
              add                     Record release folders in the store: hash them once,
                                      read their tags, snapshot their metadata.
              edit                    Change a release's metadata: a new snapshot whose
                                      parent is the current one.
              show                    Show a release as it will be sent: each field and
                                      where it came from, each tracker's form, the edits.
              transcode               Make V0, 320 and 16-bit FLAC releases from a FLAC
                                      release in the store.
              push                    Upload releases to trackers: one torrent per tracker,
                                      all trackers at once.
              watch                   Run unattended: add the release folders that appear,
                                      push them, and work the queue.
              seed                    Hand uploaded torrents to the BitTorrent client, to
                                      seed.
              adopt                   Record an upload made without mkt (by hand, by
                                      another tool) as the release's upload.
              queue                   List, cancel or reorder the upload jobs in
                                      .mkt/queue/.
              notify                  List the notifiers, or send each a test message.
              status                  Show where each release stands with each tracker.
              log                     Show the upload history: every attempt, newest first.
              stats                   Summarize the upload history per tracker: success
                                      rate, attempts, timings, errors.
              spectrals               Draw each track's spectrogram (full and a zoomed
                                      second) and a page showing them all.
              export                  Write a release's torrent for one tracker, with its
                                      announce URL, to a file.
              verify                  Re-read a release's data and check it against its
                                      stored piece hashes.
              doctor                  Check the setup: tracker sections, and each
                                      BitTorrent client end to end.
              credential              Keep tracker API keys, passkeys and cookies in the
                                      encrypted credential store.
              config                  Read and change the config: the store's .mkt/config,
                                      or with --global the user's.
              fsck                    Verify the store: re-hash every object, check every
                                      ref and reflog.
              gc                      Remove what interrupted writes left behind.

            PLUMBING SUBCOMMANDS:
              hash-object             Compute the id of an object, and with -w store it.
              cat-file                Print an object's type, size or contents.
              update-ref              Point a ref at an object, safely: with OLD, only if
                                      it still holds OLD.
              rev-parse               Turn names into full object ids.
              for-each-ref            List refs, sorted by name, in a format of your
                                      choosing.
              hash-release            Scan a release folder and hash its pieces; print the
                                      pieces object's id.
              make-torrent            Build a torrent from a folder, or from a release in
                                      the store.
              ls-release              List the files of a release: size, a tab, the path.
              sanitize                Clean text: strip HTML and BBCode, decode entities,
                                      NFC, collapse white space.
              probe                   Read format facts and tags from audio files; print
                                      one JSON object per file.
              check-release           Check a release against a tracker's rules; print what
                                      it would refuse.
              check-log               Score rip logs (EAC, XLD, whipper) as RED's and OPS's
                                      logchecker does.
              describe-release        Consolidate a release's tags into what an upload form
                                      asks for; print it as JSON.
              lookup                  Find a release in web metadata sources; print the
                                      candidates, best first, as JSON.
              push-tracker            Upload one stored torrent to one tracker; write a
                                      receipt object and print its id.

              See 'mkt help <subcommand>' for detailed help.

            """)
    }

    @Test func subcommandHelp() throws {
        let result = try MKTProcess.run(["hash-object", "--help"], in: "/")
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: Compute the id of an object, and with -w store it.

            Prints one id per input: standard input first (--stdin), then each FILE,
            then each path read from standard input (--stdin-paths). The id is the
            SHA-256 of "<type> <size>\\0<contents>". Without -w no store is needed.
            Contents of a torrent, pieces or release object are checked first, and a
            torrent with an announce URL is refused: stored torrents never hold one.

            USAGE: mkt hash-object [--type <type>] [-w] [--stdin] [--literally] [--stdin-paths] [<files> ...]

            ARGUMENTS:
              <files>                 Files to hash.

            OPTIONS:
              -t, --type <type>       The object type: blob, release, pieces, meta, torrent
                                      or receipt. (default: blob)
              -w                      Write the object into the store.
              --stdin                 Read the object from standard input.
              --literally             Skip the check that the contents are a well-formed
                                      object of the type (torrent, pieces, release).
              --stdin-paths           Read file paths from standard input, one per line.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test func version() throws {
        let result = try MKTProcess.run(["--version"], in: "/")
        #expect(result.stdout == "mkt version 0.1.0\n")
        #expect(result.status == 0)
    }

    @Test(arguments: [
        (["frobnicate"], "error: Unexpected argument 'frobnicate'"),
        (["cat-file"], "error: give one of -t, -s, -p, -e with OBJECT, or TYPE OBJECT"),
        (["hash-object"], "error: nothing to hash: give FILE, --stdin or --stdin-paths"),
        (["update-ref", "refs/x"], "error: usage: mkt update-ref REF NEW [OLD]"),
        (["for-each-ref", "--format", "%(bogus)"], "error: unknown format field '%(bogus)'"),
        (["-C"], "error: -C needs a directory"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) throws {
        let result = try MKTProcess.run(arguments, in: "/")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.hasPrefix(message + "\n"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    /// Every command page has the one skeleton, and links only to pages that exist.
    @Test func everyCommandPageFollowsTheSkeleton() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/check-docs.sh").standardized.path
        let result = try MKTProcess.shell("bash '\(script)'", in: "/")
        #expect(result.status == 0, "\(result)")
    }

    /// cat-file's batch answers every line, whatever it holds, so a coprocess stays in step.
    @Test func batchCheckAnswersEveryLine() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let input = Data("nul\u{0}here\nrefs/../x\n\n@{bad\n".utf8)
            let result = try MKTProcess.run(["cat-file", "--batch-check"], in: directory, stdin: input)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "\"nul\\000here\" missing\nrefs/../x missing\n missing\n@{bad missing\n", "\(result)")
        }
    }

    /// A mistyped tracker name is an error with a did-you-mean, never a silent success.
    @Test func unknownNamesAreErrors() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let seed = try MKTProcess.run(["seed", "rde"], in: directory)
            #expect(seed.status == 1 && seed.stderr.hasPrefix("error: unknown tracker 'rde'; did you mean red?"), "\(seed)")
            let log = try MKTProcess.run(["log", "--tracker", "rde"], in: directory)
            #expect(log.status == 1 && log.stderr.hasPrefix("error: unknown tracker 'rde'; did you mean red?"), "\(log)")
            let credential = try MKTProcess.run(["credential", "set", "rde"], in: directory, stdin: Data("x".utf8), environment: ["MKT_PASSWORD": "pw", "MKT_CREDENTIALS": "\(directory)/private/credentials"])
            #expect(credential.status == 64 && credential.stderr.hasPrefix("error: 'rde' is not a tracker or service mkt knows; did you mean red?"), "\(credential)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/private/credentials"))
            let service = try MKTProcess.run(["credential", "set", "discogs"], in: directory, stdin: Data("token-0123456789".utf8), environment: ["MKT_PASSWORD": "pw", "MKT_CREDENTIALS": "\(directory)/private/credentials"])
            #expect(service.status == 0, "a web service's key is a known name: \(service)")
            // A site of the user's own without its source flag is one line naming the key, neither "unknown" nor "known".
            let config = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/.mkt/config"))
            config.seekToEndOfFile()
            config.write(Data("[tracker \"bks\"]\n\turl = http://127.0.0.1:9\n\tfamily = ops\n".utf8))
            try config.close()
            let sourceless = try MKTProcess.run(["seed", "bks"], in: directory)
            #expect(sourceless.status == 1 && sourceless.stderr.hasPrefix("error: ") && sourceless.stderr.contains("tracker.bks.source"), "\(sourceless)")
            #expect(sourceless.stderr.split(separator: "\n").count == 1 && !sourceless.stderr.contains("unknown"), "\(sourceless)")
        }
    }

    /// A usage error shows the usage of the command it is about, not mkt's.
    @Test func usageErrorsShowTheCommandsOwnUsage() throws {
        let result = try MKTProcess.run(["credential", "set"], in: "/")
        #expect(result.status == 64)
        #expect(result.stderr == """
            error: Missing expected argument '<tracker>'
            usage: mkt credential set <tracker> [--api-key] [--passkey] [--cookie] [--password] [--label <label>]
            See 'mkt help credential set' for more.

            """, "\(result)")
    }

    /// Every library's error leaves as one `error:` line with status 1 (the
    /// catalog's and the HTTP layer's used to fall through to argument-parser).
    @Test func everyErrorIsOneLine() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            try writeFile("\(directory)/a.flac", "not audio")
            let pieces = try MKTProcess.run(["hash-release", "-w", "\(directory)/a.flac"], in: directory).stdout.trimmingCharacters(in: .newlines)
            let unknown = try MKTProcess.run(["make-torrent", "--release", pieces, "--tracker", "rde", "-w"], in: directory)
            #expect(unknown.status == 1 && unknown.stderr == "error: unknown tracker 'rde'; did you mean red? (known: dic, mam, ops, red; add a [tracker \"rde\"] section to the config for another site)\n", "\(unknown)")
            let pushed = try MKTProcess.run(["push", "rde"], in: directory)
            #expect(pushed.status == 64 && pushed.stderr.hasPrefix("error: 'rde' is not a tracker; did you mean red? (known: dic, mam, ops, red)\nusage: mkt push "), "\(pushed)")
            let late = try MKTProcess.run(["push", "red", "some-release", "ops"], in: directory)
            #expect(late.status == 64 && late.stderr.hasPrefix("error: 'ops' is a tracker named after a release"), "\(late)")
        }
    }

    @Test func initCopiesTheRepositorysHookSamples() throws {
        try withTemporaryDirectory { directory in
            let result = try MKTProcess.run(["init", "store"], in: directory)
            #expect(result.stdout.hasPrefix("Initialized empty mkt store in \(directory)/store/.mkt/\nnext: "))
            let repoHooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../hooks").standardized
            let samples = try FileManager.default.contentsOfDirectory(atPath: repoHooks.path).filter { $0.hasSuffix(".sample") }
            #expect(!samples.isEmpty)
            for sample in samples {
                let copied = "\(directory)/store/.mkt/hooks/\(sample)"
                #expect(FileManager.default.contents(atPath: copied) == FileManager.default.contents(atPath: repoHooks.appendingPathComponent(sample).path))
                #expect(FileManager.default.isExecutableFile(atPath: copied))
            }
            #expect(try MKTProcess.run(["init", "store"], in: directory).stdout == "Reinitialized existing mkt store in \(directory)/store/.mkt/\n")
            try writeFile("\(directory)/templates/post-push.sample", "#!/bin/sh\n")
            try MKTProcess.run(["init", "-q", "other"], in: directory, environment: ["MKT_TEMPLATE_DIR": "\(directory)/templates"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/other/.mkt/hooks") == ["post-push.sample"])
        }
    }

    @Test func dashCAndMKTDirChooseTheStore() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q", "library"], in: directory)
            let id = try MKTProcess.run(["-C", "library", "hash-object", "-w", "--stdin"], in: directory, input: "x").stdout
            #expect(try MKTProcess.run(["-C", "library", "cat-file", "-p", id.trimmingCharacters(in: .newlines)], in: directory).stdout == "x")
            let viaEnvironment = try MKTProcess.run(["rev-parse", "--mkt-dir"], in: "/", environment: ["MKT_DIR": "\(directory)/library/.mkt"])
            #expect(viaEnvironment.stdout == "\(directory)/library/.mkt\n")
            let badDirectory = try MKTProcess.run(["-C", "nowhere", "fsck"], in: directory)
            #expect(badDirectory.status == 1)
            #expect(badDirectory.stderr == "error: cannot change to 'nowhere': No such file or directory\n")
            try writeFile("\(directory)/broken/.mkt/config", "[core]\nformat = 1\nthis is not config\n")
            let broken = try MKTProcess.run(["fsck"], in: "\(directory)/broken")
            #expect(broken.stderr == "error: \(directory)/broken/.mkt/config:3: expected 'key = value', got 'this is not config'\n")
        }
    }

    /// contrib/completion/generate.sh: completions for three shells, from the command definitions.
    @Test func completionScripts() throws {
        try withTemporaryDirectory { directory in
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../contrib/completion/generate.sh").standardized.path
            let generated = try MKTProcess.shell("bash '\(script)' '\(MKTProcess.binary)' '\(directory)/out'", in: directory)
            #expect(generated.status == 0, "\(generated)")
            let bash = try String(contentsOfFile: "\(directory)/out/bash/mkt", encoding: .utf8)
            #expect(bash.contains("push") && bash.contains("--all-trackers"))
            #expect(try MKTProcess.shell("bash -n '\(directory)/out/bash/mkt'", in: directory).status == 0)
            for file in ["zsh/_mkt", "fish/mkt.fish"] {
                #expect(try String(contentsOfFile: "\(directory)/out/\(file)", encoding: .utf8).contains("queue"), "\(file)")
            }
        }
    }
}
