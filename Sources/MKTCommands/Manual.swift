import ArgumentParser
import Foundation

/// mkt's manual pages, in man(7) roff, made from the command definitions
/// (so they say what `--help` says): `mkt.1` with the command list, files,
/// environment and examples, and one page per command named as git's are,
/// `mkt-push.1`, `mkt-credential-set.1`.
enum Manual {
    /// Every page: its file name and its text.
    static func pages() -> [(file: String, text: String)] {
        [("mkt.1", mainPage())] + commandPaths(under: [MKT.self]).map { path in
            ("\(pageName(path)).1", commandPage(path))
        }
    }

    /// The displayed commands below `path`, each as its path from `mkt`, depth first.
    static func commandPaths(under path: [any ParsableCommand.Type]) -> [[any ParsableCommand.Type]] {
        guard let last = path.last else { return [] }
        return last.configuration.subcommands.filter { $0.configuration.shouldDisplay && $0._commandName != "help" }.flatMap { command in
            [path + [command]] + commandPaths(under: path + [command])
        }
    }

    /// `mkt-credential-set` for mkt › credential › set.
    static func pageName(_ path: [any ParsableCommand.Type]) -> String {
        path.map { $0._commandName }.joined(separator: "-")
    }

    static func commandPage(_ path: [any ParsableCommand.Type]) -> String {
        guard let command = path.last else { return "" }
        let name = pageName(path)
        let configuration = command.configuration
        var page = header(name) + ".SH NAME\n\(escape(name)) \\- \(escape(configuration.abstract))\n"
        page += ".SH SYNOPSIS\n" + literal(MKT.usageString(for: command).trimmingCharacters(in: .whitespacesAndNewlines))
        page += ".SH DESCRIPTION\n\(escape(configuration.abstract))\n"
        if !configuration.discussion.isEmpty { page += ".PP\n" + literal(configuration.discussion) }
        let sections = helpSections(MKT.helpMessage(for: command, columns: 78))
        if !sections.isEmpty { page += ".SH OPTIONS\n" + literal(sections) }
        let parent = path.count > 2 ? "\(escape(pageName(Array(path.dropLast()))))(1), " : ""
        return page + ".SH SEE ALSO\n\(parent)mkt(1)\n"
    }

    /// The help text's ARGUMENTS, OPTIONS and SUBCOMMANDS sections: everything after USAGE.
    static func helpSections(_ help: String) -> String {
        let blocks = help.components(separatedBy: "\n\n")
        guard let usage = blocks.firstIndex(where: { $0.hasPrefix("USAGE:") }) else { return "" }
        return blocks[(usage + 1)...].filter { !$0.hasPrefix("  See '") }.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func mainPage() -> String {
        var page = header("mkt") + ".SH NAME\nmkt \\- \(escape(MKT.configuration.abstract))\n"
        page += ".SH SYNOPSIS\n" + literal("mkt [-C <dir>] <command> [<args>]\nmkt --version\nmkt help [<command>]")
        page += ".SH DESCRIPTION\n" + literal(MKT.configuration.discussion)
        page += ".SH COMMANDS\n"
        for group in MKT.configuration.groupedSubcommands {
            page += ".SS \(escape(group.name)) commands\n"
            for command in group.subcommands where command.configuration.shouldDisplay {
                page += ".TP\n.BR \(escape("mkt-\(command._commandName)")) (1)\n\(escape(command.configuration.abstract))\n"
            }
        }
        page += ".SH FILES\n" + definitions(files)
        page += ".SH ENVIRONMENT\n" + definitions(environment)
        page += ".SH EXAMPLES\n" + literal(examples)
        let pages = commandPaths(under: [MKT.self]).filter { $0.count == 2 }.map { "\(escape(pageName($0)))(1)" }
        return page + ".SH SEE ALSO\n\(pages.joined(separator: ", "))\n"
    }

    /// What mkt reads and writes outside the command line (Documentation/repository-layout.md has the whole layout).
    static let files: [(String, String)] = [
        (".mkt/", "The store: objects, refs, reflogs, the upload queue, hooks and caches; found as git finds .git (MKT_DIR if set, else the current directory or the nearest parent that has one)."),
        (".mkt/config", "The store's config, in git's syntax: trackers, clients, defaults (see mkt-config(1))."),
        (".mkt/queue/", "Upload jobs waiting, running or failed, one per tracker and release."),
        (".mkt/hooks/", "Hooks; mkt init copies the samples in as NAME.sample."),
        ("$XDG_CONFIG_HOME/mkt/config", "The user's config (else ~/.config/mkt/config), read under the store's."),
        ("$XDG_CONFIG_HOME/mkt/credentials", "The encrypted credential store: API keys, passkeys, cookies (MKT_CREDENTIALS overrides the path)."),
        ("$XDG_RUNTIME_DIR/mkt/credential-cache/socket", "The credential cache's socket (else under $XDG_STATE_HOME or ~/.local/state): its daemon holds a typed master password's key in memory for credential.cache-timeout."),
        ("$XDG_STATE_HOME/mkt/ratelimit/", "The rate limiters' state (else ~/.local/state/mkt/ratelimit/), shared by every mkt process."),
        ("$XDG_CACHE_HOME/mkt/sources/", "The web metadata sources' answers (else ~/.cache/mkt/sources/)."),
    ]

    /// The variables mkt reads.
    static let environment: [(String, String)] = [
        ("MKT_DIR", "The store to use, instead of searching for .mkt/."),
        ("MKT_PASSKEY", "The passkey to use for every tracker, instead of the credential store."),
        ("MKT_CREDENTIALS", "Where the credential store is (default $XDG_CONFIG_HOME/mkt/credentials)."),
        ("MKT_CREDENTIAL_HELPER", "A program that answers for secrets, as credential.helper does."),
        ("MKT_PASSWORD_COMMAND, MKT_PASSWORD_FILE, MKT_PASSWORD", "The credential store's master password: a command that prints it, a file holding it, or the password itself (the weakest: children and /proc can see it)."),
        ("MKT_NEW_PASSWORD_COMMAND, MKT_NEW_PASSWORD_FILE, MKT_NEW_PASSWORD", "The new master password, for mkt credential passwd."),
        ("MKT_TEMPLATE_DIR", "Where mkt init takes its hook samples from."),
        ("XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME", "The bases of the user's config, state and cache folders (else ~/.config, ~/.local/state, ~/.cache)."),
        ("HOME", "The user's home, when an XDG variable is unset."),
    ]

    static let examples = """
        Start a store, record a release folder, and upload it to two trackers:

            mkt init
            mkt add ~/music/Artist-Album-2019-FLAC
            mkt push red ops

        See where each release stands, and the upload history:

            mkt status
            mkt log
        """

    // MARK: - roff

    private static func header(_ name: String) -> String {
        ".TH \(escape(name.uppercased())) 1 \"\" \"mkt \(MKT.version)\" \"mkt Manual\"\n"
    }

    /// Text kept as it is laid out (no filling), as `--help` lays it out.
    private static func literal(_ text: String) -> String {
        ".nf\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { escapeLine(String($0)) }.joined(separator: "\n") + "\n.fi\n"
    }

    private static func definitions(_ items: [(String, String)]) -> String {
        items.map { ".TP\n.B \(escape($0.0))\n\(escape($0.1))\n" }.joined()
    }

    /// roff's escape character and hyphens (a plain `-` may print as a hyphen, not the minus options have).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    }

    /// A line starting with `.` or `'` would be a request; `\&` makes it text.
    private static func escapeLine(_ line: String) -> String {
        let escaped = escape(line)
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }
}

extension MKT {
    /// `mkt __manual DIR`: write the manual pages into DIR (contrib/completion/generate.sh --man). Hidden.
    struct WriteManual: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "__manual",
            abstract: "Write mkt's manual pages, mkt.1 and mkt-COMMAND.1, into a folder.",
            shouldDisplay: false
        )

        @Argument(help: "The folder to write them into (made if missing).")
        var directory: String

        func run() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for page in Manual.pages() {
                try Data(page.text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(page.file))
            }
        }
    }
}
