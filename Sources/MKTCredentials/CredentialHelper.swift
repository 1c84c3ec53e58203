import Foundation

/// git's credential-helper protocol, for secrets kept elsewhere (`pass`, a
/// keyring, a secrets manager): mkt runs `HELPER get` and writes
///
///     tracker=red
///     kind=passkey
///     <blank line>
///
/// to its standard input, and reads `key=value` lines back, of which `secret`
/// is the answer. HELPER is `!shell code`, a path, or a NAME meaning the
/// program `mkt-credential-NAME` on PATH. See contrib/credential/.
public enum CredentialHelper {
    public static func command(for helper: String) -> String {
        if helper.hasPrefix("!") { return String(helper.dropFirst()) }
        if helper.contains("/") { return "'\(helper.replacingOccurrences(of: "'", with: "'\\''"))'" }
        return "mkt-credential-\(helper)"
    }

    /// The helper's secret for (tracker, kind), or nil if it has none.
    public static func get(helper: String, tracker: String, kind: CredentialKind, environment: [String: String]) throws(CredentialError) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command(for: helper) + " get"]
        process.environment = SecretEnvironment.scrubbed(environment)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw .helper(command: helper, reason: "could not be started")
        }
        // A helper that exits without reading its input must not kill mkt with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(request(tracker: tracker, kind: kind).utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw .helper(command: helper, reason: "exited with status \(process.terminationStatus)") }
        guard let secret = parse(String(decoding: data, as: UTF8.self))["secret"], !secret.isEmpty else { return nil }
        do {
            try Credential.validate(secret: secret)
        } catch {
            throw .helper(command: helper, reason: "answered with an unusable secret")
        }
        return secret
    }

    public static func request(tracker: String, kind: CredentialKind) -> String {
        "tracker=\(tracker)\nkind=\(kind.rawValue)\n\n"
    }

    /// `key=value` lines up to the first blank line; later keys win.
    public static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return fields
    }
}
