import Foundation
import MKTCredentials
import MKTCrypto
import MKTStore
import MKTTestSupport
import Testing

/// Fast key derivation for tests only; the product always uses 600,000 iterations.
private let testIterations = 1000
private let password = Array("correct horse battery staple".utf8)

private func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
}

struct CredentialStoreTests {
    @Test func modesStayPrivateThroughEveryRewrite() throws {
        try withTemporaryDirectory { directory in
            let previous = umask(0o022)
            defer { umask(previous) }
            let path = "\(directory)/config/mkt/credentials"
            let store = try CredentialStore.create(at: path, password: password, iterations: testIterations)
            #expect(mode(path) == 0o600 && mode("\(directory)/config/mkt") == 0o700)
            try store.add(tracker: "red", kind: .apiKey, secret: "0123456789abcdef0123", label: "main", replacing: false)
            try store.save()
            #expect(mode(path) == 0o600)
            try store.changePassword(to: Array("new password".utf8), iterations: testIterations)
            #expect(mode(path) == 0o600 && mode("\(directory)/config/mkt") == 0o700)
            let reopened = try CredentialStore.open(at: path, password: Array("new password".utf8))
            #expect(reopened.records.map(\.secret) == ["0123456789abcdef0123"])
            #expect(throws: CredentialError.cannotUnlock(path: path)) { try CredentialStore.open(at: path, password: password) }
        }
    }

    @Test func everyWriteUsesAFreshNonce() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/mkt/credentials"
            let store = try CredentialStore.create(at: path, password: password, iterations: testIterations)
            try store.add(tracker: "ops", kind: .passkey, secret: "passkey-0123456789", label: "", replacing: false)
            try store.save()
            let first = try Data(contentsOf: URL(fileURLWithPath: path))
            try store.save()
            let second = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(first.count == second.count && first != second)
            // The key slot (header: 9 + 81 bytes) is kept; the body's nonce and ciphertext are new.
            let header = 9 + 81
            #expect(first.prefix(header) == second.prefix(header))
            #expect(first[header..<(header + 12)] != second[header..<(header + 12)])
            #expect(first[(header + 12)...] != second[(header + 12)...])
            // A new password makes a new slot: fresh salt and nonce.
            try store.changePassword(to: Array("another".utf8), iterations: testIterations)
            let third = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(third[14..<30] != second[14..<30])
        }
    }

    @Test func anyFlippedByteLooksLikeAWrongPassword() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/mkt/credentials"
            let store = try CredentialStore.create(at: path, password: password, iterations: testIterations)
            try store.add(tracker: "red", kind: .apiKey, secret: "abcdefghijklmnop", label: "", replacing: false)
            try store.save()
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            let wrong = #expect(throws: CredentialError.self) { try CredentialStore.open(at: path, password: Array("wrong".utf8)) }
            for index in original.indices {
                var damaged = original
                damaged[index] ^= 0x01
                try damaged.write(to: URL(fileURLWithPath: path))
                chmod(path, 0o600)
                let error = #expect(throws: CredentialError.self) { try CredentialStore.open(at: path, password: password) }
                #expect(error == wrong, "byte \(index)")
            }
            try original.prefix(original.count - 1).write(to: URL(fileURLWithPath: path))
            #expect(throws: CredentialError.cannotUnlock(path: path)) { try CredentialStore.open(at: path, password: password) }
        }
    }

    @Test func oversizedKDFParametersAreRefusedWithoutWork() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/mkt/credentials"
            _ = try CredentialStore.create(at: path, password: password, iterations: testIterations)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            // Iterations are bytes 10–13, big-endian: 4 billion would take hours if attempted.
            bytes.replaceSubrange(10..<14, with: [0xff, 0xff, 0xff, 0xf0])
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(throws: CredentialError.cannotUnlock(path: path)) { try CredentialStore.open(at: path, password: password) }
        }
    }

    @Test func unsafeFilesAreRefused() throws {
        try withTemporaryDirectory { directory in
            let path = "\(directory)/mkt/credentials"
            _ = try CredentialStore.create(at: path, password: password, iterations: testIterations)
            chmod(path, 0o644)
            #expect(throws: CredentialError.unsafeFile(path: path, reason: "mode 644 lets others read it; run: chmod 600 '\(path)'")) {
                try CredentialStore.open(at: path, password: password)
            }
            chmod(path, 0o600)
            chmod("\(directory)/mkt", 0o755)
            #expect(throws: CredentialError.unsafeFile(path: "\(directory)/mkt", reason: "mode 755 lets others in; run: chmod 700 '\(directory)/mkt'")) {
                try CredentialStore.open(at: path, password: password)
            }
            chmod("\(directory)/mkt", 0o700)
            try FileManager.default.moveItem(atPath: path, toPath: path + ".real")
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + ".real")
            #expect(throws: CredentialError.unsafeFile(path: path, reason: "it is a symbolic link")) {
                try CredentialStore.open(at: path, password: password)
            }
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".real", toPath: path)
            if geteuid() == 0 {
                chown(path, 65534, 65534)
                #expect(throws: CredentialError.unsafeFile(path: path, reason: "it is owned by another user")) {
                    try CredentialStore.open(at: path, password: password)
                }
            }
        }
    }

    @Test func rotationKeepsTheOldKeyInactive() throws {
        try withTemporaryDirectory { directory in
            let store = try CredentialStore.create(at: "\(directory)/mkt/credentials", password: password, iterations: testIterations)
            let old = try store.add(tracker: "red", kind: .apiKey, secret: "old-key-0123456789", label: "laptop", replacing: false)
            let new = try store.add(tracker: "red", kind: .apiKey, secret: "new-key-0123456789", label: "laptop", replacing: true)
            #expect(store.records.map(\.active) == [false, true])
            #expect(try store.use(tracker: "red", kind: .apiKey).id == new.id)
            #expect(try store.use(tracker: "red", kind: .apiKey).lastUsed != nil)
            try store.remove(id: old.id)
            #expect(store.records.map(\.id) == [new.id])
            #expect(throws: CredentialError.noCredential(tracker: "red", kind: .passkey)) { try store.use(tracker: "red", kind: .passkey) }
            #expect(throws: CredentialError.noSuchCredential("nope")) { try store.remove(id: "nope") }
            #expect(new.maskedTail == "…6789")
        }
    }

    @Test(arguments: ["line\nbreak", "carriage\rreturn", "nul\u{0}byte", "tab\there", "escape\u{1b}[31m", ""])
    func secretsWithControlCharactersAreRefused(secret: String) throws {
        try withTemporaryDirectory { directory in
            let store = try CredentialStore.create(at: "\(directory)/mkt/credentials", password: password, iterations: testIterations)
            #expect(throws: CredentialError.self) {
                try store.add(tracker: "red", kind: .apiKey, secret: secret, label: "", replacing: false)
            }
            #expect(store.records.isEmpty)
        }
    }
}

struct RedactionTests {
    let canary = "C4n4ryP4ssk3y+/0123456789abcdef"

    @Test func everyEncodingIsRedacted() {
        let redactor = SecretRedactor(secrets: [canary])
        let bytes = Array(canary.utf8)
        var samples = [
            "announce https://flacsfor.me/\(canary)/announce",
            "url-encoded: \(canary.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
            "hex \(Hex.encode(bytes)) and \(Hex.encode(bytes).uppercased())",
            "every byte %-encoded: \(bytes.map { String(format: "%%%02x", $0) }.joined())",
        ]
        for prefix in ["", "x", "xy"] {
            let encoded = Data(Array(prefix.utf8) + bytes + Array("tail".utf8)).base64EncodedString()
            samples.append("base64 \(encoded)")
            samples.append("base64url \(encoded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))")
        }
        for sample in samples {
            let redacted = redactor.redact(sample)
            #expect(redacted.contains(SecretRedactor.mask), "\(sample)")
            #expect(!SecretRedactor(secrets: [canary]).contains(Data(redacted.utf8)), "\(redacted)")
        }
        #expect(redactor.redact("nothing secret here") == "nothing secret here")
    }

    @Test func theWriteBarrierRefusesObjectsWithSecrets() throws {
        try withTemporaryDirectory { directory in
            var repository = try Repository.initialize(in: directory, hookSamples: []).repository
            repository.objects.barrier = SecretRedactor(secrets: [canary])
            let torrent = Data("d7:comment42:see https://flacsfor.me/\(canary)/4:infod4:name1:xee".utf8)
            #expect(throws: StoreError.secretInObject(.torrent)) { try repository.objects.write(type: .torrent, body: torrent) }
            #expect(throws: StoreError.secretInObject(.receipt)) {
                try repository.objects.write(type: .receipt, body: Data("{\"key\":\"\(Data(canary.utf8).base64EncodedString())\"}".utf8))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/.mkt/objects").isEmpty)
            _ = try repository.objects.write(type: .blob, body: Data("harmless".utf8))
        }
    }
}

struct MasterPasswordTests {
    @Test func sourcesInOrder() throws {
        try withTemporaryDirectory { directory in
            let file = "\(directory)/password"
            try writeFile(file, "from-file\nsecond line\n")
            chmod(file, 0o600)
            let all = ["MKT_PASSWORD_COMMAND": "printf 'from-command\\n'", "MKT_PASSWORD_FILE": file, "MKT_PASSWORD": "from-env"]
            #expect(try MasterPassword.obtain(environment: all) == Array("from-command".utf8))
            #expect(try MasterPassword.obtain(environment: all.filter { $0.key != "MKT_PASSWORD_COMMAND" }) == Array("from-file".utf8))
            #expect(try MasterPassword.obtain(environment: ["MKT_PASSWORD": "from-env"]) == Array("from-env".utf8))
            #expect(try MasterPassword.obtain(prefix: "MKT_NEW_PASSWORD", environment: ["MKT_NEW_PASSWORD": "new"]) == Array("new".utf8))
            chmod(file, 0o640)
            #expect(throws: CredentialError.unsafeFile(path: file, reason: "mode 640 lets others read it; run: chmod 600 '\(file)'")) {
                try MasterPassword.obtain(environment: ["MKT_PASSWORD_FILE": file])
            }
            #expect(throws: CredentialError.passwordSource("MKT_PASSWORD_COMMAND exited with status 3")) {
                try MasterPassword.obtain(environment: ["MKT_PASSWORD_COMMAND": "exit 3"])
            }
        }
    }

    @Test func thePasswordCommandSeesNoSecretVariables() throws {
        try withTemporaryDirectory { directory in
            let dump = "\(directory)/env"
            let environment = [
                "MKT_PASSWORD_COMMAND": "env > '\(dump)'; echo pw", "MKT_PASSWORD": "leak", "MKT_PASSKEY": "leak2", "PATH": "/usr/bin:/bin",
            ]
            #expect(try MasterPassword.obtain(environment: environment) == Array("pw".utf8))
            let seen = try String(contentsOfFile: dump, encoding: .utf8)
            #expect(!seen.contains("leak") && !seen.contains("MKT_PASSWORD") && seen.contains("PATH="))
        }
    }
}

/// Hostile helpers and files: no hang, no secret in a message.
struct HostileSourceTests {
    /// A process that may hold decrypted secrets dumps no core and is not dumpable (its /proc files are root's).
    @Test func noCoreDumps() {
        ProcessHardening.apply()
        #expect(!ProcessHardening.isDumpable)
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0 && limit.rlim_cur == 0 && limit.rlim_max == 0)
    }

    /// A FIFO named as the password file is refused at once (opening it used to wait for a writer forever).
    @Test func aFIFOIsNotAPasswordFile() throws {
        try withTemporaryDirectory { directory in
            let fifo = "\(directory)/fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            #expect(throws: CredentialError.unsafeFile(path: fifo, reason: "it is not a regular file")) {
                try MasterPassword.obtain(environment: ["MKT_PASSWORD_FILE": fifo])
            }
        }
    }

    /// A helper that prints the key on stderr and fails: the key reaches no message.
    @Test func aFailingHelpersMessagesAreNotShown() throws {
        do {
            _ = try CredentialHelper.get(helper: "!printf 'the-key-%s' itself >&2; exit 1; :", tracker: "red", kind: .apiKey, environment: [:])
            Issue.record("a failing helper was accepted")
        } catch {
            #expect(!error.description.contains("the-key-itself") && error.description.contains("exited with status 1"), "\(error)")
        }
    }

    /// A helper that never answers is stopped, with whatever it started.
    @Test func aHelperThatNeverEndsIsStopped() throws {
        let started = Date()
        #expect(throws: CredentialError.helper(command: "!sleep 300; :", reason: "gave no answer in 1 s and was stopped")) {
            try CredentialHelper.get(helper: "!sleep 300; :", tracker: "red", kind: .apiKey, environment: [:], timeout: 0.5)
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

struct CryptoPrimitiveTests {
    @Test func pbkdf2KnownAnswer() {
        // RFC 7914 §11, PBKDF2-HMAC-SHA256 with P = "passwd", S = "salt", c = 1.
        let key = PBKDF2.sha256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(Hex.encode(key) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    @Test func aesGCMKnownAnswerAndTampering() {
        // NIST GCM test case 14: AES-256, zero key and IV, one zero block.
        let sealed = [UInt8](repeating: 0, count: 12) + Hex.decode("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")!
        #expect(AES256GCM.open(sealed, key: [UInt8](repeating: 0, count: 32), associatedData: []) == [UInt8](repeating: 0, count: 16))
        let key = SecureRandom.bytes(32)
        let box = AES256GCM.seal(Array("secret".utf8), key: key, associatedData: Array("header".utf8))
        #expect(AES256GCM.open(box, key: key, associatedData: Array("header".utf8)) == Array("secret".utf8))
        #expect(AES256GCM.open(box, key: key, associatedData: Array("Header".utf8)) == nil)
        #expect(AES256GCM.seal(Array("secret".utf8), key: key, associatedData: []) != AES256GCM.seal(Array("secret".utf8), key: key, associatedData: []))
    }
}
