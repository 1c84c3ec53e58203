import Foundation
import MKTConfig
import MKTTestSupport
import Testing

/// The config as a user meets it: every file checked when it is read, the
/// user's global config under the store's, and `mkt config`.
struct ConfigJourneyTests {
    /// A store in `directory/store`, and the environment that puts the user's
    /// config in `directory/xdg/mkt/config`.
    static func setUp(_ directory: String) throws -> (store: String, environment: [String: String]) {
        let store = "\(directory)/store"
        try MKTProcess.run(["init", "-q", store], in: directory)
        // The bare [core] instead of init's commented template, so the line
        // numbers these tests pin count only the lines they add.
        try writeFile("\(store)/.mkt/config", "[core]\n\tformat = 2\n\thash = sha256\n")
        return (store, ["XDG_CONFIG_HOME": "\(directory)/xdg", "XDG_STATE_HOME": "\(directory)/state"])
    }

    static func append(_ text: String, to path: String) throws {
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try writeFile(path, old + text)
    }

    /// Commands that open a store (and one that only reads the config) all stop.
    static let commands: [[String]] = [["status"], ["push", "red", "--dry-run"], ["fsck"], ["log"], ["queue"], ["doctor"], ["config", "--list"],
                                       ["make-torrent", "--tracker", "red", "-o", "-", "../release"]]

    @Test(arguments: [
        ("[tracker \"ops\"]\n\turl = https://ops.example\n\tulr = https://ops.example\n", "6: tracker.ops.ulr: unknown key; did you mean url?"),
        ("[trackr \"x\"]\n\turl = https://x.example\n", "4: trackr.x: unknown section; did you mean tracker?"),
        ("[push]\n\tretries = lots\n", "5: push.retries: 'lots' is not a whole number (0 to 100)"),
    ])
    func aBadStoreConfigStopsEveryCommand(text: String, message: String) throws {
        try withTemporaryDirectory { directory in
            let (store, environment) = try Self.setUp(directory)
            try writeFile("\(directory)/release/01.flac", "not really audio")
            try Self.append(text, to: "\(store)/.mkt/config")
            for command in Self.commands {
                let result = try MKTProcess.run(command, in: store, environment: environment)
                #expect(result.status == 1 && result.stdout.isEmpty, "\(command): \(result)")
                #expect(result.stderr == "error: \(store)/.mkt/config:\(message)\n", "\(command): \(result)")
            }
        }
    }

    /// The user's config is checked too, inside a store and outside one.
    @Test func aBadGlobalConfigStopsCommandsInAndOutOfAStore() throws {
        try withTemporaryDirectory { directory in
            let (store, environment) = try Self.setUp(directory)
            try writeFile("\(directory)/xdg/mkt/config", "# mine\n[push]\n\tbakoff = 1\n")
            let expected = "error: \(directory)/xdg/mkt/config:3: push.bakoff: unknown key; did you mean backoff?\n"
            for (command, place) in [(["status"], store), (["push", "red", "--dry-run"], store), (["config", "push.retries"], directory)] {
                let result = try MKTProcess.run(command, in: place, environment: environment)
                #expect(result.status == 1 && result.stderr == expected, "\(command): \(result)")
            }
            try writeFile("\(directory)/xdg/mkt/config", "[core]\n\tformat = 1\n")
            let core = try MKTProcess.run(["status"], in: store, environment: environment)
            #expect(core.stderr == "error: \(directory)/xdg/mkt/config:1: core: only a store's own config may set [core]\n", "\(core)")
        }
    }

    /// `mkt config KEY VALUE` then `mkt config KEY` gives VALUE back for every
    /// registered key, in the store's file and in the user's; the store still
    /// opens; `--unset` takes each away again.
    @Test func everyKeyRoundTrips() throws {
        try withTemporaryDirectory { directory in
            let (store, environment) = try Self.setUp(directory)
            func mkt(_ arguments: [String]) throws -> MKTResult { try MKTProcess.run(arguments, in: store, environment: environment) }
            for scope in [[], ["--global"]] {
                for key in ConfigRegistry.keys where scope.isEmpty || ConfigRegistry.section(key.section)?.storeOnly == false {
                    let name = ConfigSamples.name(for: key), value = ConfigSamples.value(for: key)
                    let set = try mkt(["config"] + scope + [name, value])
                    #expect(set.status == 0 && set.stdout.isEmpty && set.stderr.isEmpty, "\(name): \(set)")
                    let get = try mkt(["config"] + scope + [name])
                    #expect(get.status == 0 && get.stdout == value + "\n", "\(name): \(get)")
                }
                #expect(try mkt(["status"]).status == 0)
                let list = try mkt(["config"] + scope + ["--list"]).stdout
                for key in ConfigRegistry.keys where scope.isEmpty || ConfigRegistry.section(key.section)?.storeOnly == false {
                    #expect(list.contains("\(ConfigSamples.name(for: key))=\(ConfigSamples.value(for: key))\n"), "\(key.displayName)")
                }
            }
            let globalCore = try mkt(["config", "--global", "core.format", "1"])
            #expect(globalCore.status == 1 && globalCore.stderr == "error: core.format: only a store's own config may set [core]\n", "\(globalCore)")
            for key in ConfigRegistry.keys where key.section != "core" {
                let name = ConfigSamples.name(for: key)
                #expect(try mkt(["config", "--unset", name]).status == 0, "\(name)")
                #expect(try mkt(["config", "--global", "--unset", name]).status == 0, "\(name)")
                let gone = try mkt(["config", name])
                #expect(gone.status == 1 && gone.stdout.isEmpty && gone.stderr.isEmpty, "\(name): \(gone)")
            }
            #expect(try String(contentsOfFile: "\(store)/.mkt/config", encoding: .utf8).hasPrefix("[core]\n\tformat = 1\n\thash = sha256\n"))
        }
    }

    /// What the user's config sets applies in every store and outside them;
    /// what a store sets wins in that store.
    @Test func theGlobalConfigAppliesUnderTheStoresAndTheStoreWins() throws {
        try withTemporaryDirectory { directory in
            let (store, environment) = try Self.setUp(directory)
            func mkt(_ arguments: [String], in place: String) throws -> MKTResult { try MKTProcess.run(arguments, in: place, environment: environment) }
            try writeFile("\(directory)/release/01.flac", "not really audio")
            /// The torrent `make-torrent --tracker seedpool` writes when run in `place`, as text.
            func torrent(in place: String) throws -> String {
                let made = try mkt(["make-torrent", "--tracker", "seedpool", "-o", "-", "\(directory)/release"], in: place)
                #expect(made.status == 0, "\(made)")
                return String(decoding: made.stdoutData, as: UTF8.self)
            }
            let unknown = try mkt(["make-torrent", "--tracker", "seedpool", "-o", "-", "\(directory)/release"], in: directory)
            #expect(unknown.status == 1, "\(unknown)")

            for (key, value) in [("tracker.seedpool.source", "SEEDPOOL"), ("tracker.seedpool.announce", "https://seedpool.example/announce/{passkey}"), ("push.retries", "7")] {
                #expect(try mkt(["config", "--global", key, value], in: directory).status == 0)
            }
            #expect(try torrent(in: directory).contains("6:source8:SEEDPOOL"))
            #expect(try torrent(in: store).contains("6:source8:SEEDPOOL"))
            let status = try mkt(["status"], in: store)
            #expect(status.status == 0, "\(status)")

            let inherited = try mkt(["config", "--show-origin", "push.retries"], in: store)
            #expect(inherited.stdout == "\(directory)/xdg/mkt/config:5\t7\n", "\(inherited)")
            #expect(try mkt(["config", "push.retries", "2"], in: store).status == 0)
            #expect(try mkt(["config", "tracker.seedpool.source", "STORE"], in: store).status == 0)
            #expect(try mkt(["config", "push.retries"], in: store).stdout == "2\n")
            #expect(try mkt(["config", "--global", "push.retries"], in: store).stdout == "7\n")
            #expect(try torrent(in: store).contains("6:source5:STORE"))
            #expect(try torrent(in: directory).contains("6:source8:SEEDPOOL"))
            let list = try mkt(["config", "--list", "--show-origin"], in: store).stdout
            #expect(list.hasPrefix("\(directory)/xdg/mkt/config:2\ttracker.seedpool.source=SEEDPOOL\n"), "\(list)")
            #expect(list.hasSuffix("\(store)/.mkt/config:5\tpush.retries=2\n\(store)/.mkt/config:7\ttracker.seedpool.source=STORE\n"), "\(list)")
        }
    }

    /// `mkt config` edits in place, refuses what does not fit, and mends a
    /// store whose config has an error.
    @Test func configEditsInPlaceAndRefusesWhatDoesNotFit() throws {
        try withTemporaryDirectory { directory in
            let (store, environment) = try Self.setUp(directory)
            func mkt(_ arguments: [String]) throws -> MKTResult { try MKTProcess.run(arguments, in: store, environment: environment) }
            let path = "\(store)/.mkt/config"
            try Self.append("# the trackers I use\n[tracker \"ops\"]\n\turl = https://ops.example ; mirror\n\n# retries\n[push]\n\tretries = 1\n", to: path)
            #expect(try mkt(["config", "push.retries", "4"]).status == 0)
            #expect(try mkt(["config", "tracker.ops.timeout", "30s"]).status == 0)
            #expect(try mkt(["config", "client.nas.path-map", "/a:/b"]).status == 0)
            #expect(try mkt(["config", "--add", "client.nas.path-map", "/c:/d"]).status == 0)
            #expect(try mkt(["config", "client.nas.path-map"]).stdout == "/a:/b\n/c:/d\n")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == """
                [core]
                \tformat = 2
                \thash = sha256
                # the trackers I use
                [tracker "ops"]
                \turl = https://ops.example ; mirror
                \ttimeout = 30s

                # retries
                [push]
                \tretries = 4
                [client "nas"]
                \tpath-map = /a:/b
                \tpath-map = /c:/d

                """)
            let before = try String(contentsOfFile: path, encoding: .utf8)
            for (arguments, message) in [
                (["push.retries", "lots"], "push.retries: 'lots' is not a whole number (0 to 100)"),
                (["push.backoff", "-1"], "push.backoff: '-1' is not a duration in seconds (0 to 3600), e.g. 120s"),
                (["tracker.ops.ulr", "https://x.example"], "tracker.ops.ulr: unknown key; did you mean url?"),
                (["trackr.ops.url", "https://x.example"], "trackr.ops.url: unknown section; did you mean tracker?"),
                (["tracker.ops.url", "http://[::1"], "tracker.ops.url: 'http://[::1' is not an http(s) URL"),
                (["--add", "push.retries", "5"], "push.retries has one value; set it without --add"),
                (["core.format", "3"], "\(path): store format 3; this mkt reads formats 1 and 2"),
                (["--unset", "push.backoff"], "push.backoff: not set in \(path)"),
                (["--unset", "push.bakoff"], "push.bakoff: unknown key; did you mean backoff?"),
            ] {
                let refused = try mkt(["config"] + arguments)
                #expect(refused.status != 0 && (refused.stderr.hasPrefix("error: ") || refused.stderr.hasPrefix("Error: ")), "\(arguments): \(refused)")
                #expect(refused.stderr.split(separator: "\n").first.map(String.init)?.hasSuffix(message) == true, "\(arguments): \(refused)")
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
            #expect(try mkt(["config", "seed.client"]).status == 1)

            // A broken config stops the store, and mkt config mends it.
            try Self.append("\tbakoff = 1\n[push]\n\tretries = lots\n", to: path)
            #expect(try mkt(["status"]).status == 1)
            #expect(try mkt(["config", "--unset", "client.nas.bakoff"]).status == 0)
            #expect(try mkt(["config", "push.retries", "3"]).status == 0)
            let mended = try mkt(["status"])
            #expect(mended.status == 0, "\(mended)")
            #expect(try mkt(["config", "--show-origin", "push.retries"]).stdout == "\(path):15\t3\n")
        }
    }
}
