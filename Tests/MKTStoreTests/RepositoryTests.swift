import Foundation
import MKTConfig
import MKTStore
import MKTTestSupport
import Testing

struct RepositoryTests {
    @Test func initCreatesTheLayoutAndIsSafeToRepeat() throws {
        try withTemporaryDirectory { directory in
            let sample = (name: "pre-push", contents: Data("#!/bin/sh\nexit 0\n".utf8))
            let (repository, existed) = try Repository.initialize(in: directory, hookSamples: [sample])
            #expect(!existed)
            #expect(repository.directory == "\(directory)/.mkt")
            for sub in ["objects", "refs/releases", "refs/trackers", "logs/refs", "hooks"] {
                var isDirectory: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: "\(repository.directory)/\(sub)", isDirectory: &isDirectory) && isDirectory.boolValue)
            }
            #expect(try String(contentsOfFile: "\(repository.directory)/config", encoding: .utf8).contains("\n[core]\n\tformat = 2\n\thash = sha256\n"))
            #expect(repository.storeFormat == 2)
            #expect(FileManager.default.contents(atPath: "\(repository.directory)/hooks/pre-push.sample") == sample.contents)
            let id = try repository.objects.write(type: .blob, body: Data("kept".utf8))
            let again = try Repository.initialize(in: directory, hookSamples: [(sample.name, Data("changed".utf8))])
            #expect(again.existed)
            #expect(try again.repository.objects.read(id, as: .blob) == Data("kept".utf8))
            #expect(FileManager.default.contents(atPath: "\(repository.directory)/hooks/pre-push.sample") == sample.contents)
        }
    }

    @Test func discoveryWalksUpAndHonoursMKTDir() throws {
        try withTemporaryDirectory { directory in
            _ = try Repository.initialize(in: directory, hookSamples: [])
            let deep = "\(directory)/music/Artist/Album (2019)"
            try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
            #expect(try Repository.discover(from: deep, environment: [:]).directory == "\(directory)/.mkt")
            try withTemporaryDirectory { elsewhere in
                #expect(throws: StoreError.notAStore(searchedFrom: elsewhere)) {
                    try Repository.discover(from: elsewhere, environment: [:])
                }
                let viaEnvironment = try Repository.discover(from: elsewhere, environment: ["MKT_DIR": "\(directory)/.mkt"])
                #expect(viaEnvironment.directory == "\(directory)/.mkt")
                #expect(throws: StoreError.notAStoreDirectory(path: "\(elsewhere)/nope", reason: "no config file")) {
                    try Repository.discover(from: elsewhere, environment: ["MKT_DIR": "nope"])
                }
            }
        }
    }

    /// The user's config goes under the store's: the store wins, both are
    /// checked, and without XDG_CONFIG_HOME or HOME there is none.
    @Test func theGlobalConfigGoesUnderTheStores() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            try writeFile("\(repository.directory)/config", "[core]\n\tformat = 1\n[push]\n\tretries = 2\n")
            try writeFile("\(directory)/xdg/mkt/config", "[push]\n\tretries = 5\n\tbackoff = 1\n")
            let opened = try Repository.discover(from: directory, environment: ["XDG_CONFIG_HOME": "\(directory)/xdg"])
            #expect(try opened.config.integer("push", "retries") == 2 && opened.config.seconds("push", "backoff") == 1)
            #expect(try Repository.discover(from: directory, environment: ["HOME": directory]).config.seconds("push", "backoff") == 2)
            #expect(Config.globalPath(environment: ["HOME": "/home/u"]) == "/home/u/.config/mkt/config")
            #expect(Config.globalPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "relative"]) == "/home/u/.config/mkt/config")
            #expect(Config.globalPath(environment: [:]) == nil)
            try writeFile("\(directory)/xdg/mkt/config", "[push]\n\tretries = many\n")
            #expect(throws: StoreError.config(ConfigError(Config.Origin(path: "\(directory)/xdg/mkt/config", line: 2), "push.retries: 'many' is not a whole number (0 to 100)"))) {
                try Repository.discover(from: directory, environment: ["XDG_CONFIG_HOME": "\(directory)/xdg"])
            }
        }
    }

    @Test func aStoreOfAnotherFormatIsRefused() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let config = "\(repository.directory)/config"
            for format in ["3", "0", "two"] {
                try writeFile(config, "[core]\n\tformat = \(format)\n")
                #expect(throws: StoreError.unsupportedStore(path: config, reason: "store format \(format); this mkt reads formats 1 and 2")) {
                    try Repository(directory: repository.directory)
                }
            }
            try writeFile(config, "[core]\n\tformat = 1\n")
            #expect(try Repository(directory: repository.directory).storeFormat == 1)
            try writeFile(config, "[core]\n\tformat = 1\n\thash = sha1\n")
            #expect(throws: StoreError.unsupportedStore(path: config, reason: "object hash 'sha1'; this mkt uses sha256")) {
                try Repository(directory: repository.directory)
            }
        }
    }

    /// Only the `format` lines of `[core]` change, whatever their spelling.
    @Test func raisingTheFormatKeepsTheRestOfTheConfig() throws {
        try withTemporaryDirectory { directory in
            let created = try Repository.initialize(in: directory, hookSamples: []).repository
            let path = "\(created.directory)/config"
            // A `format` line outside [core] (here a tracker's source flag that says so) is not the store's.
            try writeFile(path, "# mine\n[core]\n  format=1\n\thash = sha256\n[tracker \"red\"]\n\tsource = format = 1\n")
            try Repository(directory: created.directory).raiseFormat()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "# mine\n[core]\n\tformat = 2\n\thash = sha256\n[tracker \"red\"]\n\tsource = format = 1\n")
            try writeFile(path, "[Core]\n\tFormat = \"1\" ; old\n[core]\nformat = 1\n")
            try Repository(directory: created.directory).raiseFormat()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "[Core]\n\tformat = 2\n[core]\n\tformat = 2\n")
            #expect(try Repository(directory: created.directory).storeFormat == 2)
        }
    }

    @Test func resolveFollowsRevParseRules() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let album = try repository.objects.write(type: .meta, body: Data("album".utf8))
            try repository.update([RefUpdate(name: "refs/releases/album", action: .set(album))], message: "add")
            try repository.update([RefUpdate(name: "refs/trackers/red/album", action: .set(album))], message: "push")
            #expect(try repository.resolve(album.hex) == album)
            #expect(try repository.resolve(album.hex.uppercased()) == album)
            #expect(try repository.resolve(String(album.hex.prefix(4))) == album)
            #expect(try repository.resolve("album") == album)
            #expect(try repository.resolve("releases/album") == album)
            #expect(try repository.resolve("refs/releases/album") == album)
            #expect(try repository.resolve("red/album") == album)
            #expect(throws: StoreError.unknownName("abc")) { try repository.resolve("abc") }
            #expect(throws: StoreError.unknownName("nothing")) { try repository.resolve("nothing") }
        }
    }

    @Test func anAmbiguousPrefixListsTheCandidates() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: [])
                .repository
            var byPrefix: [String: [ObjectID]] = [:]
            var counter = 0
            while byPrefix.values.allSatisfy({ $0.count < 2 }) {
                let id = try repository.objects.write(type: .blob, body: Data("\(counter)".utf8))
                byPrefix[String(id.hex.prefix(4)), default: []].append(id)
                counter += 1
            }
            let (prefix, ids) = byPrefix.first { $0.value.count >= 2 }!
            #expect(throws: StoreError.ambiguousName(prefix, candidates: ids.sorted())) { try repository.resolve(prefix) }
        }
    }

    @Test func gcSparesLiveAndYoungFiles() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let dead = try deadPID()
            let old = Date().addingTimeInterval(-7200)
            let deadTemp = "\(repository.directory)/objects/ab/.tmp-\(dead)-1"
            let liveTemp = "\(repository.directory)/objects/ab/.tmp-\(getpid())-2"
            let youngTemp = "\(repository.directory)/refs/.tmp-\(dead)-3"
            for path in [deadTemp, liveTemp, youngTemp] { try writeFile(path, "partial") }
            for path in [deadTemp, liveTemp] {
                try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
            }
            #expect(try repository.staleFiles(grace: 3600) == [deadTemp])
            #expect(try repository.removeStaleFiles(grace: 0) == [deadTemp, youngTemp])
            #expect(FileManager.default.fileExists(atPath: liveTemp))
        }
    }
}
