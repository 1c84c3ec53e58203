import Foundation
import MKTSubprocess

/// The encoders found on PATH, and the versions they report: the same
/// versions give the same bytes, so they are part of a derived release's lineage.
public struct Toolchain: Sendable {
    /// Absolute paths by program name.
    public let programs: [String: String]
    /// `flac 1.4.2`, `LAME 3.100`, `SoX 14.4.2`, `metaflac 1.4.2`.
    public let versions: [String: String]
    /// What the children run with: the caller's PATH, and a UTF-8 locale,
    /// without which lame and metaflac mangle non-ASCII tags.
    public let environment: [String: String]

    static let packages = ["bash": "bash", "flac": "flac", "metaflac": "flac", "lame": "lame", "sox": "sox"]

    public static func find(environment caller: [String: String] = ProcessInfo.processInfo.environment) throws(TranscodeError) -> Toolchain {
        let path = caller["PATH"] ?? "/usr/bin:/bin"
        var programs: [String: String] = [:]
        for name in packages.keys.sorted() {
            guard let found = ChildProcess.executable(named: name, searchPath: path) else { throw .missingProgram(name, package: packages[name] ?? name) }
            programs[name] = found
        }
        let environment = ["PATH": path, "LC_ALL": "C.UTF-8", "HOME": caller["HOME"] ?? "/"]
        var versions: [String: String] = [:]
        for name in ["flac", "metaflac", "lame", "sox"] {
            guard let program = programs[name] else { continue }
            let result = try? ChildProcess([program, "--version"], environment: environment, timeout: 30).run()
            let text = String(decoding: result?.standardOutput ?? Data(), as: UTF8.self)
            versions[name] = version(of: name, from: text)
        }
        return Toolchain(programs: programs, versions: versions, environment: environment)
    }

    /// The first line of `--version`, reduced to the name and the number.
    static func version(of name: String, from text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        // `LAME 64bits version 3.100 (http://lame.sf.net)`, `sox:      SoX v14.4.2`, `flac 1.4.2`
        let number = line.split(separator: " ").last { $0.first?.isNumber == true || ($0.first == "v" && $0.dropFirst().first?.isNumber == true) }
        let label = ["lame": "LAME", "sox": "SoX"][name] ?? name
        return number.map { "\(label) \($0.hasPrefix("v") ? String($0.dropFirst()) : String($0))" } ?? "\(label) (version unknown)"
    }

    /// The encoders a format's commands run, with their versions.
    public func encoders(for format: DerivedFormat, resampledOrReduced: Bool) -> [String] {
        let names = format == .flac16 ? ["sox", "flac", "metaflac"] : resampledOrReduced ? ["sox", "lame"] : ["flac", "lame"]
        return names.compactMap { versions[$0] }
    }

    /// Runs `script` under bash with its positional parameters.
    func run(script: String, arguments: [String], label: String, timeout: TimeInterval) throws(TranscodeError) {
        guard let bash = programs["bash"] else { throw .missingProgram("bash", package: "bash") }
        let result: ChildProcess.Result
        do {
            result = try ChildProcess([bash, "-c", script, "mkt-transcode"] + arguments, environment: environment, standardOutput: .discard, timeout: timeout).run()
        } catch {
            throw .encoder(path: label, reason: "\(error)")
        }
        guard result.status == 0, !result.timedOut else {
            let said = Self.lastLine(result.standardError)
            throw .encoder(path: label, reason: result.timedOut ? "stopped after \(Int(timeout)) s" : "exit status \(result.status)\(said.isEmpty ? "" : ": \(said)")")
        }
    }

    /// What a program said last on its standard error: the line that says what went wrong.
    static func lastLine(_ output: Data) -> String {
        String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    }

    /// Decodes a 24-bit FLAC and tells whether any sample uses its low 8 bits.
    public func hasLowBits(_ path: String, label: String, scratch: String) throws(TranscodeError) -> Bool {
        guard let flac = programs["flac"] else { throw .missingProgram("flac", package: "flac") }
        let raw = "\(scratch)/lowbits-\(getpid())-\(UUID().uuidString).raw"
        defer { unlink(raw) }
        let fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .encoder(path: label, reason: "cannot write \(raw): \(String(cString: strerror(errno)))") }
        let result: ChildProcess.Result
        do {
            result = try ChildProcess(
                [flac, "-d", "-c", "-s", "--force-raw-format", "--endian=little", "--sign=signed", "--", path],
                environment: environment, standardOutput: .descriptor(fd), timeout: 3600
            ).run()
        } catch {
            close(fd)
            throw .encoder(path: label, reason: "\(error)")
        }
        close(fd)
        guard result.status == 0 else {
            throw .encoder(path: label, reason: "flac could not decode it (exit status \(result.status)): \(Self.lastLine(result.standardError))")
        }
        guard let handle = FileHandle(forReadingAtPath: raw) else { throw .encoder(path: label, reason: "cannot read \(raw)") }
        defer { try? handle.close() }
        var scanner = LowBits()
        while !scanner.sawLowBits, let chunk = try? handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            chunk.withUnsafeBytes { scanner.scan($0) }
        }
        return scanner.sawLowBits
    }
}
