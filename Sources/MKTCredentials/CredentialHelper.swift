import Foundation
import MKTSubprocess

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

    /// How long a helper may take (it may ask a keyring, or a person through pinentry).
    public static let timeout: TimeInterval = 120

    /// The helper's secret for (tracker, kind), or nil if it has none.
    /// What the helper writes on its standard error is not shown: a helper
    /// may print the very secret there, which mkt cannot know to redact.
    public static func get(helper: String, tracker: String, kind: CredentialKind, environment: [String: String], timeout: TimeInterval = timeout) throws(CredentialError) -> String? {
        let child = ChildProcess(
            ["/bin/sh", "-c", command(for: helper) + " get"], environment: SecretEnvironment.scrubbed(environment),
            input: Data(request(tracker: tracker, kind: kind).utf8), standardError: .discard, timeout: timeout)
        let result: ChildProcess.Result
        do {
            result = try child.run()
        } catch {
            throw .helper(command: helper, reason: "could not be started")
        }
        guard !result.timedOut else { throw .helper(command: helper, reason: "gave no answer in \(Int(timeout.rounded(.up))) s and was stopped") }
        guard result.status == 0 else {
            throw .helper(command: helper, reason: "exited with status \(result.status) (its messages are not shown, as they may hold the secret: run '\(command(for: helper)) get' yourself to see them)")
        }
        guard let secret = parse(String(decoding: result.standardOutput, as: UTF8.self))["secret"], !secret.isEmpty else { return nil }
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
