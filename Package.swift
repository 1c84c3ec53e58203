// swift-tools-version: 6.0
import PackageDescription

// Modules and the direction of their dependencies (each depends only on
// those above it; `swift package show-dependencies` has the full graph):
//
//   C shims      CMKTOpenSSL  CMKTCurl  CMKTArchive  CMKTSystem
//   1 base       MKTCrypto  MKTConfig  MKTMetadata  MKTHTTP  MKTSubprocess  MKTRipLog
//   2 store      MKTStore  MKTTorrent  MKTCatalog  MKTHooks  MKTArchive  MKTClients  MKTSources  MKTTranscode  MKTNotify  MKTAudioCheck
//   3 objects    MKTObjects  MKTCredentials
//   4 sites      MKTTrackers
//   5 workflows  MKTWorkflow
//   6 commands   MKTCommands
//   7 binary     mkt

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "mkt",
    products: [
        .executable(name: "mkt", targets: ["mkt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: C libraries, each behind a small shim (Swift cannot call variadic C or function-like macros).

        /** OpenSSL's libcrypto from Debian's libssl-dev. */
        .systemLibrary(
            name: "CMKTOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        /** libcurl from Debian's libcurl4-openssl-dev. */
        .systemLibrary(
            name: "CMKTCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        /** libarchive from Debian's libarchive-dev. */
        .systemLibrary(
            name: "CMKTArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        /** Linux calls Swift cannot make directly (prctl is variadic; pipe2 needs _GNU_SOURCE). */
        .systemLibrary(
            name: "CMKTSystem"
        ),

        // MARK: Layer 1: foundations that know nothing of mkt's other modules.

        /** Typed Swift wrappers over OpenSSL's digests. */
        .target(
            name: "MKTCrypto",
            dependencies: ["CMKTOpenSSL"],
            swiftSettings: strict
        ),
        /** The config: git's syntax, every key mkt reads with its type and default, checks, typed values, edits. */
        .target(
            name: "MKTConfig",
            swiftSettings: strict
        ),
        /** Audio metadata: tags and formats read from the files, cleaned text, tracker rules. */
        .target(
            name: "MKTMetadata",
            swiftSettings: strict
        ),
        /** HTTP for the tracker adapters, the clients and the web sources: the transport they share (HTTPTransport), libcurl behind it. */
        .target(
            name: "MKTHTTP",
            dependencies: ["CMKTCurl"],
            swiftSettings: strict
        ),
        /** Child programs run with a deadline, in a process group of their own that is killed whole when time is up. */
        .target(
            name: "MKTSubprocess",
            dependencies: ["CMKTSystem"],
            swiftSettings: strict
        ),

        /** Rip logs (EAC, XLD, whipper) scored as RED's and OPS's logchecker scores them, their checksums, their copy CRCs. */
        .target(
            name: "MKTRipLog",
            swiftSettings: strict
        ),

        // MARK: Layer 2: the store and what stands beside it.

        /** The `.mkt/` store: objects, refs, reflogs, locks, the config files, fsck, gc. */
        .target(
            name: "MKTStore",
            dependencies: ["MKTCrypto", "MKTConfig"],
            swiftSettings: strict
        ),
        /** Bencode, release scans, piece hashing, torrent building and parsing. */
        .target(
            name: "MKTTorrent",
            dependencies: ["MKTCrypto"],
            swiftSettings: strict
        ),
        /** Everything mkt knows about each tracker site, built in or from the config: one entry per site, one file per family. */
        .target(
            name: "MKTCatalog",
            dependencies: ["MKTConfig", "MKTMetadata", "MKTHTTP"],
            swiftSettings: strict
        ),
        /** Programs in `.mkt/hooks/` run at fixed points, with git's conventions. */
        .target(
            name: "MKTHooks",
            dependencies: ["MKTSubprocess"],
            swiftSettings: strict
        ),
        /** Releases that come as archives, unpacked safely through libarchive. */
        .target(
            name: "MKTArchive",
            dependencies: ["CMKTArchive"],
            swiftSettings: strict
        ),
        /** BitTorrent clients mkt hands torrents to: qBittorrent's Web API, Transmission's RPC, deluge-web's JSON-RPC, rTorrent's XML-RPC over SCGI, a watch folder. */
        .target(
            name: "MKTClients",
            dependencies: ["MKTHTTP"],
            swiftSettings: strict
        ),
        /** Web metadata sources: MusicBrainz and the Cover Art Archive, rate-limited and cached. */
        .target(
            name: "MKTSources",
            dependencies: ["MKTHTTP", "MKTMetadata", "MKTCrypto"],
            swiftSettings: strict
        ),
        /** Derived formats (V0, 320, 16-bit FLAC) from a FLAC release: the checks, the encoder commands, running them, checking what they wrote. */
        .target(
            name: "MKTTranscode",
            dependencies: ["MKTMetadata", "MKTSubprocess"],
            swiftSettings: strict
        ),

        /** Audio checks on lossless files: fake 24-bit, upsampling, lossy masters, clipping, silence (a few windows decoded by flac). */
        .target(
            name: "MKTAudioCheck",
            dependencies: ["MKTMetadata", "MKTSubprocess"],
            swiftSettings: strict
        ),

        /** Notifications of pushes to webhooks (Discord, ntfy, plain JSON) and Apprise URLs: pure message builders, a rate-limited, retrying sender. */
        .target(
            name: "MKTNotify",
            dependencies: ["MKTHTTP", "MKTConfig", "MKTSubprocess"],
            swiftSettings: strict
        ),

        // MARK: Layer 3: object bodies and secrets, on top of the store.

        /** The bodies of the structured objects (release, pieces, meta, receipt): typed values, canonical bytes, checked decoding. */
        .target(
            name: "MKTObjects",
            dependencies: ["MKTStore", "MKTTorrent", "MKTMetadata"],
            swiftSettings: strict
        ),
        /** The encrypted credential store, master passwords, helpers, and redaction of secrets. */
        .target(
            name: "MKTCredentials",
            dependencies: ["MKTCrypto", "MKTStore", "MKTSubprocess", "CMKTSystem"],
            swiftSettings: strict
        ),

        // MARK: Layer 4: talking to tracker sites.

        /** Tracker adapters (Gazelle JSON, DIC's form, UNIT3D), upload attempts, and the rate limiter they share across processes. */
        .target(
            name: "MKTTrackers",
            dependencies: ["MKTStore", "MKTHTTP", "MKTCrypto", "MKTTorrent", "MKTMetadata", "MKTCatalog", "MKTConfig", "MKTObjects"],
            swiftSettings: strict
        ),

        // MARK: Layer 5: the workflows the commands are made of.

        /** What the porcelain and plumbing do with the libraries together: releases in the store, torrents per tracker. */
        .target(
            name: "MKTWorkflow",
            dependencies: ["MKTStore", "MKTConfig", "MKTCrypto", "MKTTorrent", "MKTMetadata", "MKTCatalog", "MKTTrackers", "MKTHooks", "MKTClients", "MKTHTTP", "MKTObjects", "MKTRipLog", "MKTSubprocess", "MKTTranscode", "MKTAudioCheck"],
            swiftSettings: strict
        ),

        // MARK: Layer 6: the commands, and the thin executable.

        /** One file per command: parse arguments, call the libraries, print. */
        .target(
            name: "MKTCommands",
            dependencies: [
                "MKTStore",
                "MKTAudioCheck",
                "MKTObjects",
                "MKTTorrent",
                "MKTWorkflow",
                "MKTCredentials",
                "MKTMetadata",
                "MKTTrackers",
                "MKTHooks",
                "MKTArchive",
                "MKTClients",
                "MKTSources",
                "MKTNotify",
                "MKTHTTP",
                "MKTCatalog",
                "MKTConfig",
                "MKTRipLog",
                "MKTSubprocess",
                "MKTTranscode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        /** The command-line entry point; nothing else lives here. */
        .executableTarget(
            name: "mkt",
            dependencies: ["MKTCommands"],
            swiftSettings: strict
        ),

        // MARK: Tools: fuzzing and benchmarks.

        /** Fuzz entry points over the parsers of untrusted input. */
        .target(
            name: "MKTFuzzTargets",
            dependencies: ["MKTTorrent", "MKTMetadata", "MKTStore", "MKTConfig", "MKTTrackers", "MKTWorkflow", "MKTObjects", "MKTRipLog"],
            swiftSettings: strict
        ),
        /** libFuzzer driver (contrib/fuzz/run.sh), or a corpus replayer in a normal build. */
        .executableTarget(
            name: "mkt-fuzz",
            dependencies: ["MKTFuzzTargets"],
            swiftSettings: strict
        ),
        /** Measures the store and the hashers; run with `swift run -c release mkt-bench`. */
        .executableTarget(
            name: "mkt-bench",
            dependencies: ["MKTStore", "MKTObjects", "MKTCrypto", "MKTTorrent", "MKTWorkflow", "MKTCredentials", "MKTMetadata", "MKTTrackers"],
            swiftSettings: strict
        ),

        // MARK: Test support and tests.

        /** Temp directories, a runner for the built `mkt`, and in-process fakes (a scripted HTTP transport, a clock), shared by the test targets. */
        .target(
            name: "MKTTestSupport",
            dependencies: ["MKTHTTP", "MKTConfig", "MKTRipLog", "MKTSubprocess"],
            path: "Tests/MKTTestSupport",
            swiftSettings: strict
        ),
        /** A Gazelle site played by a scripted transport, and upload jobs built in memory: the Uploader, the retries and the Pusher tested in-process. */
        .target(
            name: "MKTTrackerFakes",
            dependencies: ["MKTTrackers", "MKTCatalog", "MKTHTTP", "MKTMetadata", "MKTTorrent", "MKTTestSupport"],
            path: "Tests/MKTTrackerFakes",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTPackageTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTCatalogTests",
            dependencies: ["MKTCatalog", "MKTConfig", "MKTHTTP", "MKTMetadata"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTClientsTests",
            dependencies: ["MKTClients", "MKTTorrent", "MKTHTTP", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTConfigTests",
            dependencies: ["MKTConfig", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTCredentialsTests",
            dependencies: ["MKTCredentials", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTCryptoTests",
            dependencies: ["MKTCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTFuzzTests",
            dependencies: ["MKTFuzzTargets"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTHTTPTests",
            dependencies: ["MKTHTTP", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTHooksTests",
            dependencies: ["MKTHooks", "MKTTestSupport"],
            swiftSettings: strict
        ),
        /** Runs the built `mkt` binary and pins its output and exit codes. */
        .testTarget(
            name: "MKTJourneyTests",
            dependencies: ["mkt", "MKTStore", "MKTConfig", "MKTMetadata", "MKTTestSupport", "MKTObjects", "MKTTorrent", "MKTSubprocess", "MKTWorkflow"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTRipLogTests",
            dependencies: ["MKTRipLog", "MKTWorkflow", "MKTMetadata", "MKTSubprocess", "MKTCatalog", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTMetadataTests",
            dependencies: ["MKTMetadata", "MKTCatalog"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTNotifyTests",
            dependencies: ["MKTNotify", "MKTHTTP", "MKTConfig", "MKTSubprocess", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTObjectsTests",
            dependencies: ["MKTObjects", "MKTStore", "MKTTorrent", "MKTMetadata", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTSourcesTests",
            dependencies: ["MKTSources"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTStoreTests",
            dependencies: ["MKTStore", "MKTConfig", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTSubprocessTests",
            dependencies: ["MKTSubprocess"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTTranscodeTests",
            dependencies: ["MKTTranscode", "MKTMetadata"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTTorrentTests",
            dependencies: ["MKTTorrent", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTTrackersTests",
            dependencies: ["MKTTrackers", "MKTHTTP", "MKTMetadata", "MKTTorrent", "MKTCatalog", "MKTTestSupport", "MKTTrackerFakes", "MKTObjects"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTWorkflowTests",
            dependencies: ["MKTWorkflow", "MKTTrackers", "MKTCatalog", "MKTHTTP", "MKTTestSupport", "MKTTrackerFakes", "MKTClients", "MKTConfig", "MKTObjects", "MKTMetadata", "MKTRipLog"],
            swiftSettings: strict
        ),
    ]
)
