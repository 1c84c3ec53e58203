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
                makes a usable site; the site answers and takes the API key (or cookie),
                asked with its own account call; a passkey is at hand for the announce URL.
                Clients: each [client "NAME"] answers, takes its password, and sees every
                path-map folder where the map says: a 64 KiB probe file is written in the
                folder here, its torrent handed to the client paused and checked, then both
                are removed. Exit status 1 if any check failed.

                Examples:
                  mkt doctor
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
            let uploader = context.uploader()
            for tracker in config.trackers.configured {
                let site: TrackerSite
                do {
                    site = try config.tracker(tracker)
                    report(true, "tracker \(tracker): \(site.family.rawValue) site at \(site.url), \(site.rateLimit.requests) requests per \(site.rateLimit.window)")
                } catch {
                    report(false, "tracker \(tracker): \(error)")
                    continue
                }
                // The key, asked of the site itself; then the passkey the announce URL needs.
                var sitePasskey: String?
                if !site.family.takesUploads {
                    report(true, "tracker \(tracker): no upload API to ask; mkt push \(tracker) writes an upload kit to upload by hand at \(site.manualUploadPage ?? site.url)")
                } else {
                    do {
                        sitePasskey = try uploader(site).checkAccount()
                        report(true, "tracker \(tracker): the site answers and takes the \(site.family.credential == .cookie ? "cookie" : "API key")")
                    } catch {
                        report(false, "tracker \(tracker): \(error)" + (Self.isKeyProblem(error) ? " (mkt credential set \(tracker) --\(site.family.credential == .cookie ? "cookie" : "api-key"))" : ""))
                    }
                }
                do {
                    let torrentSite = try config.torrentSite(tracker)
                    if torrentSite.needsPasskey {
                        let passkey = try (try? context.secret(tracker, .passkey)) ?? sitePasskey.flatMap { $0.isEmpty ? nil : $0 }
                            ?? { throw DoctorError.noPasskey(tracker) }()
                        _ = torrentSite.announceURL(passkey: passkey)
                        report(true, "tracker \(tracker): a passkey for the announce URL")
                    }
                } catch {
                    report(false, "tracker \(tracker): \(error)")
                }
            }
            for name in config.clientNames {
                do {
                    var settings = try config.clientSettings(name)
                    if settings.asksPassword { settings.password = try context.secret(name, .password) }
                    for finding in ClientCheck.run(settings, userAgent: context.userAgent) { report(finding.passed, finding.text) }
                } catch {
                    report(false, "client \(name): \(error)")
                }
            }
            if config.clientNames.isEmpty { Console.write("note no BitTorrent client configured; uploads are not seeded (see mkt help seed)\n") }
            if failed > 0 { throw ExitCode.failure }
        }

        /// The site refused the key, or there is none to send.
        static func isKeyProblem(_ error: any Error) -> Bool {
            if let error = error as? TrackerError { return error.category == .auth }
            if let error = error as? CredentialError, case .noCredential = error { return true }
            return false
        }

        enum DoctorError: Error, CustomStringConvertible {
            case noPasskey(String)
            var description: String {
                switch self {
                case .noPasskey(let tracker): "no passkey, so no announce URL to seed with: mkt credential set \(tracker) --passkey"
                }
            }
        }
    }
}
