import ArgumentParser
import Foundation
import MKTConfig
import MKTHTTP
import MKTNotify

extension MKT {
    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the notifiers, or send each a test message.",
            discussion: """
                Notifiers are [notify "NAME"] sections in the config (kind discord, ntfy,
                json or apprise; url; events). Without --test: one line per notifier, its
                name, kind and events; never its url, which holds a token. With --test: a
                test message (event attention, tracker and release 'test') to each notifier
                named (default: all), whatever its events; one line per notifier,
                'NAME: sent' or a warning. Exit status 1 if any was not sent.

                Examples:
                  mkt notify
                  mkt notify --test
                  mkt notify --test discord
                """
        )

        @Flag(help: "Send a test message.")
        var test = false

        @Argument(help: "Notifiers (default: all).")
        var names: [String] = []

        func run() throws {
            let context = try CommandContext(store: .optional)
            let all = try Notifier.configured(context.config)
            Console.protect(all.map(\.url))
            for name in names where !all.contains(where: { $0.name == name }) {
                let suggestion = Suggestion.closest(to: name, among: all.map(\.name)).map { "; did you mean \($0)?" } ?? ""
                throw ValidationError("no [notify \"\(name)\"] in the config\(suggestion)")
            }
            let chosen = names.isEmpty ? all : all.filter { names.contains($0.name) }
            guard test else {
                for notifier in chosen {
                    let events = NotificationEvent.allCases.filter(notifier.events.contains).map(\.rawValue).joined(separator: ",")
                    Console.write("\(notifier.name) \(notifier.kind.rawValue) \(events)\n")
                }
                return
            }
            if chosen.isEmpty { throw ValidationError("no notifiers: add a [notify \"NAME\"] section to the config (see 'mkt help push')") }
            let sender = NotificationSender(transport: HTTPClient(userAgent: context.userAgent), stateDirectory: context.rateLimitDirectory)
            let message = MKTNotify.Notification(event: .attention, tracker: "test", release: "test", outcome: "test",
                                                 message: "A test message from mkt notify --test: this notifier works.", time: Date())
            var failed = false
            for notifier in chosen {
                if let failure = sender.send(message, to: notifier) {
                    Console.diagnose(.warning, "\(failure)")
                    failed = true
                } else {
                    Console.write("\(notifier.name): sent\n")
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
