import Foundation
import MKTSubprocess

/// Where the master password comes from, in this order: a command that prints
/// it (`MKT_PASSWORD_COMMAND`, e.g. `pass show mkt`), a file (`MKT_PASSWORD_FILE`,
/// which must be the user's, mode 0600, not a link), the variable itself
/// (`MKT_PASSWORD`, the weakest: children and /proc can see it), and last a
/// prompt on the terminal with echo off.
public enum MasterPassword {
    /// The current password (`prefix` "MKT_PASSWORD"), or a new one
    /// ("MKT_NEW_PASSWORD"), asked twice on a terminal when `confirm` is set.
    public static func obtain(
        prefix: String = "MKT_PASSWORD",
        prompt: String = "mkt master password: ",
        confirm: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CredentialError) -> [UInt8] {
        let password: [UInt8]
        if let command = environment["\(prefix)_COMMAND"], !command.isEmpty {
            password = try fromCommand(command, variable: "\(prefix)_COMMAND", environment: environment)
        } else if let file = environment["\(prefix)_FILE"], !file.isEmpty {
            password = try fromFile(file)
        } else if let value = environment[prefix], !value.isEmpty {
            password = Array(value.utf8)
        } else {
            guard let terminal = Terminal() else { throw .noPassword }
            password = try terminal.readSecret(prompt: prompt)
            if confirm, try terminal.readSecret(prompt: "again: ") != password { throw .passwordMismatch }
        }
        guard !password.isEmpty else { throw .emptyPassword }
        return password
    }

    /// Whether `obtain` would ask on the terminal: none of the other sources is set.
    public static func isTyped(environment: [String: String], prefix: String = "MKT_PASSWORD") -> Bool {
        ["\(prefix)_COMMAND", "\(prefix)_FILE", prefix].allSatisfy { environment[$0]?.isEmpty ?? true }
    }

    /// Asks on the terminal, with echo off.
    public static func ask(_ prompt: String) throws(CredentialError) -> [UInt8] {
        guard let terminal = Terminal() else { throw .passwordSource("no terminal to ask on") }
        return try terminal.readSecret(prompt: prompt)
    }

    /// How long the password command may take (it may ask a person through pinentry).
    static let commandTimeout: TimeInterval = 120

    /// The first line the command prints; a failing command is an error.
    /// Its messages go to mkt's standard error (`pass` explains itself there).
    private static func fromCommand(_ command: String, variable: String, environment: [String: String]) throws(CredentialError) -> [UInt8] {
        let child = ChildProcess(["/bin/sh", "-c", command], environment: SecretEnvironment.scrubbed(environment), standardError: .descriptor(2), timeout: commandTimeout)
        let result: ChildProcess.Result
        do {
            result = try child.run()
        } catch {
            throw .passwordSource("\(variable) could not be started")
        }
        guard !result.timedOut else { throw .passwordSource("\(variable) gave no answer in \(Int(commandTimeout)) s and was stopped") }
        guard result.status == 0 else { throw .passwordSource("\(variable) exited with status \(result.status)") }
        return firstLine(Array(result.standardOutput))
    }

    private static func fromFile(_ path: String) throws(CredentialError) -> [UInt8] {
        firstLine(try PrivateFile.read(path, limit: 64 << 10))
    }

    static func firstLine(_ bytes: [UInt8]) -> [UInt8] {
        var line = Array(bytes.prefix { $0 != 0x0a })
        if line.last == 0x0d { line.removeLast() }
        return line
    }
}

/// The controlling terminal, for prompts that must not echo.
struct Terminal {
    private let fd: Int32

    init?() {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    /// Turns echo off, then prints `prompt` and reads one line, then restores
    /// the terminal. Echo goes off first: TCSAFLUSH drops input typed before
    /// it, so an answer typed after the prompt must not race the switch.
    func readSecret(prompt: String) throws(CredentialError) -> [UInt8] {
        var saved = termios()
        let isTerminal = tcgetattr(fd, &saved) == 0
        if isTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if isTerminal { tcsetattr(fd, TCSADRAIN, &saved) }
            _ = write(fd, "\n", 1)
        }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else {
                if line.isEmpty { throw .passwordSource("the terminal closed") }
                break
            }
            if byte == 0x0a || byte == 0x0d { break }
            line.append(byte)
        }
        return line
    }
}
