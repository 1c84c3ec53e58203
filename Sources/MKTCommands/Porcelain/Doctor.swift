import ArgumentParser
import Foundation
import MKTCatalog
import MKTClients
import MKTCredentials
import MKTStore
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the setup: tracker sections, and each BitTorrent client end to end.",
            discussion: """
                One line per check, 'ok' or 'fail'. Trackers: each [tracker "NAME"] section
                makes a usable site. Clients: each [client "NAME"] answers, takes its password,
                and sees every path-map folder where the map says: a 64 KiB probe file is
                written in the folder here, its torrent handed to the client paused and
                checked, then both are removed. Exit status 1 if any check failed.
                """
        )

        func run() throws {
            let context = try CommandContext(store: .required)
            let config = context.config
            var failed = 0
            func report(_ passed: Bool, _ text: String) {
                if !passed { failed += 1 }
                Console.write("\(passed ? "ok  " : "fail") \(text)\n")
                try? Console.flush()
            }
            for tracker in config.trackers.configured {
                do {
                    let site = try config.tracker(tracker)
                    report(true, "tracker \(tracker): \(site.family.rawValue) site at \(site.url), \(site.rateLimit.requests) requests per \(site.rateLimit.window)")
                } catch {
                    report(false, "tracker \(tracker): \(error)")
                }
            }
            for name in config.clientNames {
                do {
                    var settings = try config.clientSettings(name)
                    if settings.username != nil { settings.password = try context.secret(name, .password) }
                    for finding in ClientCheck.run(settings, userAgent: context.userAgent) { report(finding.passed, finding.text) }
                } catch {
                    report(false, "client \(name): \(error)")
                }
            }
            if config.clientNames.isEmpty { Console.write("note no BitTorrent client configured; uploads are not seeded (see mkt help seed)\n") }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
