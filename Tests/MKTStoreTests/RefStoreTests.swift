import Foundation
import MKTStore
import MKTTestSupport
import Testing

/// A store with two objects to point refs at.
private struct Fixture {
    var repository: Repository
    let a: ObjectID
    let b: ObjectID

    init(_ directory: String) throws {
        repository = try Repository.initialize(in: directory, hookSamples: []).repository
        a = try repository.objects.write(type: .blob, body: Data("a".utf8))
        b = try repository.objects.write(type: .blob, body: Data("b".utf8))
    }

    func set(_ name: String, _ id: ObjectID, expecting expected: RefExpectation = .any) throws {
        try repository.update([RefUpdate(name: name, action: .set(id), expected: expected)], message: "test")
    }
}

struct RefStoreTests {
    @Test func createMoveDeleteWithReflog() throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            let refs = fixture.repository.refs
            try fixture.set("refs/releases/album", fixture.a, expecting: .missing)
            #expect(try refs.read("refs/releases/album") == fixture.a)
            let contents = try String(contentsOfFile: refs.path(of: "refs/releases/album"), encoding: .utf8)
            #expect(contents == fixture.a.hex + "\n")
            try fixture.set("refs/releases/album", fixture.b, expecting: .value(fixture.a))
            let log = try refs.reflog("refs/releases/album").map { try $0.get() }
            #expect(log.map(\.old) == [.zero, fixture.a])
            #expect(log.map(\.new) == [fixture.a, fixture.b])
            #expect(log.map(\.message) == ["test", "test"])
            try fixture.repository.update([RefUpdate(name: "refs/releases/album", action: .delete, expected: .value(fixture.b))], message: "gone")
            #expect(try refs.read("refs/releases/album") == nil)
            #expect(try refs.list().isEmpty)
        }
    }

    @Test func compareAndSwapRefusesAStaleOldValue() throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            try fixture.set("refs/x", fixture.a)
            #expect(throws: StoreError.refChanged("refs/x", expected: .value(fixture.b), found: fixture.a)) {
                try fixture.set("refs/x", fixture.b, expecting: .value(fixture.b))
            }
            #expect(throws: StoreError.refChanged("refs/x", expected: .missing, found: fixture.a)) {
                try fixture.set("refs/x", fixture.b, expecting: .missing)
            }
            #expect(throws: StoreError.refChanged("refs/y", expected: .value(fixture.a), found: nil)) {
                try fixture.set("refs/y", fixture.b, expecting: .value(fixture.a))
            }
            #expect(try fixture.repository.refs.read("refs/x") == fixture.a)
            #expect(try fixture.repository.refs.reflog("refs/x").count == 1)
        }
    }

    @Test func aTransactionAppliesAllOrNothing() throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            try fixture.set("refs/trackers/red/album", fixture.a)
            let failing = [
                RefUpdate(name: "refs/releases/album", action: .set(fixture.b), expected: .missing),
                RefUpdate(name: "refs/trackers/ops/album", action: .set(fixture.b)),
                RefUpdate(name: "refs/trackers/red/album", action: .verify, expected: .value(fixture.b)),
            ]
            #expect(throws: StoreError.refChanged("refs/trackers/red/album", expected: .value(fixture.b), found: fixture.a)) {
                try fixture.repository.update(failing, message: "push")
            }
            #expect(try fixture.repository.refs.list().map(\.name) == ["refs/trackers/red/album"])
            var passing = failing
            passing[2] = RefUpdate(name: "refs/trackers/red/album", action: .verify, expected: .value(fixture.a))
            try fixture.repository.update(passing, message: "push")
            #expect(try fixture.repository.refs.list().map(\.name) == [
                "refs/releases/album", "refs/trackers/ops/album", "refs/trackers/red/album",
            ])
            #expect(throws: StoreError.duplicateRefUpdate("refs/x")) {
                try fixture.repository.update([
                    RefUpdate(name: "refs/x", action: .set(fixture.a)), RefUpdate(name: "refs/x", action: .delete),
                ], message: "twice")
            }
        }
    }

    @Test func aRefMustPointAtAStoredObject() throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            let missing = LooseObject.id(type: .blob, body: Data("never written".utf8))
            #expect(throws: StoreError.refTargetMissing("refs/x", missing)) { try fixture.set("refs/x", missing) }
            #expect(try fixture.repository.refs.read("refs/x") == nil)
        }
    }

    @Test func oneRefCannotBeTheDirectoryOfAnother() throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            try fixture.set("refs/releases/album", fixture.a)
            #expect(throws: StoreError.refConflict("refs/releases/album/disc1", existing: "refs/releases/album")) {
                try fixture.set("refs/releases/album/disc1", fixture.a)
            }
            try fixture.set("refs/trackers/red/album", fixture.a)
            #expect(throws: StoreError.refConflict("refs/trackers/red", existing: "refs/trackers/red/album")) {
                try fixture.set("refs/trackers/red", fixture.a)
            }
            // Deleting a ref that never existed leaves no directory behind to conflict later.
            try fixture.repository.update([RefUpdate(name: "refs/tmp/a/b", action: .delete)], message: "noop")
            try fixture.set("refs/tmp/a", fixture.b)
        }
    }

    @Test(arguments: [
        "releases/x", "refs/", "refs//x", "refs/../x", "refs/x/../../y", "refs/.hidden", "refs/x.lock",
        "refs/-x", "refs/x.", "refs/a b", "refs/a~1", "refs/a^", "refs/a:b", "refs/a?", "refs/a*", "refs/a[",
        "refs/a\\b", "refs/a@{1}", "refs/a\u{7}", "refs/a\nb", "refs/a..b",
    ])
    func invalidRefNamesAreRefused(name: String) {
        #expect(!RefName.isValid(name))
        #expect(throws: StoreError.self) { try RefName.validate(name) }
    }

    @Test(arguments: ["refs/x", "refs/releases/Artist-Album-(2019)-FLAC", "refs/trackers/red/ünïcode", "refs/a.b/c-d_e"])
    func validRefNames(name: String) {
        #expect(RefName.isValid(name))
    }

    @Test func aLeftoverLockNamesItsDeadOwner() throws {
        try withTemporaryDirectory { directory in
            var fixture = try Fixture(directory)
            fixture.repository.refs.lockTimeout = .milliseconds(50)
            let dead = try deadPID()
            let lockPath = fixture.repository.refs.path(of: "refs/x") + ".lock"
            try writeFile(lockPath, "\(dead)\n")
            #expect(throws: StoreError.lockHeld("refs/x", lockPath: lockPath, holder: .gone(pid: dead))) {
                try fixture.set("refs/x", fixture.a)
            }
            #expect(FileManager.default.fileExists(atPath: lockPath), "a stale lock is reported, never silently removed")
            #expect(try fixture.repository.removeStaleFiles(grace: 0) == [lockPath])
            try fixture.set("refs/x", fixture.a)
        }
    }

    @Test(arguments: [
        ("", "empty file"),
        ("garbage\n", "not an object id: 'garbage'"),
        (String(repeating: "a", count: 64), "missing newline after the id"),
        (String(repeating: "a", count: 64) + "\nmore\n", "extra bytes after the id \(String(repeating: "a", count: 64))"),
        (String(repeating: "A", count: 64) + "\n", "not an object id: '\(String(repeating: "A", count: 40))'"),
    ])
    func corruptRefsSayWhatIsWrong(contents: String, reason: String) throws {
        try withTemporaryDirectory { directory in
            let fixture = try Fixture(directory)
            let path = fixture.repository.refs.path(of: "refs/x")
            try writeFile(path, contents)
            #expect(throws: StoreError.corruptRef("refs/x", path: path, reason: reason)) {
                try fixture.repository.refs.read("refs/x")
            }
        }
    }
}

/// The pid of a process that has exited.
func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}
