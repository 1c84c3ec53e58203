// swift-tools-version: 6.0
import PackageDescription

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
        /** The command-line entry point; nothing else lives here. */
        .executableTarget(
            name: "mkt",
            dependencies: ["MKTCommands"],
            swiftSettings: strict
        ),
        /** One file per command: parse arguments, call the libraries, print. */
        .target(
            name: "MKTCommands",
            dependencies: [
                "MKTStore",
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        /** What the porcelain and plumbing do with the libraries together: releases in the store, torrents per tracker. */
        .target(
            name: "MKTWorkflow",
            dependencies: ["MKTStore", "MKTObjects", "MKTTorrent", "MKTMetadata", "MKTTrackers", "MKTHooks", "MKTClients"],
            swiftSettings: strict
        ),
        /** Releases that come as archives, unpacked safely through libarchive. */
        .target(
            name: "MKTArchive",
            dependencies: ["CMKTArchive"],
            swiftSettings: strict
        ),
        /** Web metadata sources: MusicBrainz and the Cover Art Archive, rate-limited and cached. */
        .target(
            name: "MKTSources",
            dependencies: ["MKTHTTP", "MKTMetadata", "MKTTrackers", "MKTCrypto"],
            swiftSettings: strict
        ),
        /** BitTorrent clients mkt hands torrents to: qBittorrent's Web API, Transmission's RPC. */
        .target(
            name: "MKTClients",
            dependencies: ["MKTHTTP"],
            swiftSettings: strict
        ),
        /** Programs in `.mkt/hooks/` run at fixed points, with git's conventions. */
        .target(
            name: "MKTHooks",
            swiftSettings: strict
        ),
        /** The encrypted credential store, master passwords, helpers, and redaction of secrets. */
        .target(
            name: "MKTCredentials",
            dependencies: ["MKTCrypto", "MKTStore"],
            swiftSettings: strict
        ),
        /** Audio metadata: tags and formats read from the files, cleaned text, tracker rules. */
        .target(
            name: "MKTMetadata",
            swiftSettings: strict
        ),
        /** The `.mkt/` store: objects, refs, reflogs, locks, config, fsck, gc. */
        .target(
            name: "MKTStore",
            dependencies: ["MKTCrypto"],
            swiftSettings: strict
        ),
        /** The bodies of the structured objects (release, pieces, meta, receipt): typed values, canonical bytes, checked decoding. */
        .target(
            name: "MKTObjects",
            dependencies: ["MKTStore", "MKTTorrent", "MKTMetadata"],
            swiftSettings: strict
        ),
        /** Bencode, release scans, piece hashing, torrent building and parsing. */
        .target(
            name: "MKTTorrent",
            dependencies: ["MKTCrypto"],
            swiftSettings: strict
        ),
        /** Typed Swift wrappers over OpenSSL's digests. */
        .target(
            name: "MKTCrypto",
            dependencies: ["CMKTOpenSSL"],
            swiftSettings: strict
        ),
        /** Tracker adapters (Gazelle JSON, DIC's form, UNIT3D), upload attempts, and the rate limiter they share across processes. */
        .target(
            name: "MKTTrackers",
            dependencies: ["MKTStore", "MKTObjects", "MKTHTTP", "MKTCrypto", "MKTTorrent", "MKTMetadata"],
            swiftSettings: strict
        ),
        /** HTTP for the tracker adapters, the clients and the web sources: libcurl behind typed calls. */
        .target(
            name: "MKTHTTP",
            dependencies: ["CMKTCurl"],
            swiftSettings: strict
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
        /** OpenSSL's libcrypto from Debian's libssl-dev. */
        .systemLibrary(
            name: "CMKTOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        /** Fuzz entry points over the parsers of untrusted input. */
        .target(
            name: "MKTFuzzTargets",
            dependencies: ["MKTTorrent", "MKTMetadata", "MKTStore", "MKTObjects", "MKTTrackers", "MKTWorkflow"],
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
        /** Temp directories and a runner for the built `mkt`, shared by the test targets. */
        .target(
            name: "MKTTestSupport",
            path: "Tests/MKTTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTCryptoTests",
            dependencies: ["MKTCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTTorrentTests",
            dependencies: ["MKTTorrent", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTObjectsTests",
            dependencies: ["MKTObjects", "MKTStore", "MKTTorrent", "MKTMetadata", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTFuzzTests",
            dependencies: ["MKTFuzzTargets"],
            exclude: ["Corpus"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTClientsTests",
            dependencies: ["MKTClients", "MKTTorrent", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTSourcesTests",
            dependencies: ["MKTSources"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTHooksTests",
            dependencies: ["MKTHooks", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTWorkflowTests",
            dependencies: ["MKTWorkflow", "MKTObjects", "MKTTrackers", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTCredentialsTests",
            dependencies: ["MKTCredentials", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTMetadataTests",
            dependencies: ["MKTMetadata"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTHTTPTests",
            dependencies: ["MKTHTTP", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTTrackersTests",
            dependencies: ["MKTTrackers", "MKTObjects", "MKTMetadata", "MKTTorrent", "MKTTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MKTStoreTests",
            dependencies: ["MKTStore", "MKTTestSupport"],
            swiftSettings: strict
        ),
        /** Runs the built `mkt` binary and pins its output and exit codes. */
        .testTarget(
            name: "MKTJourneyTests",
            dependencies: ["mkt", "MKTStore", "MKTObjects", "MKTTorrent", "MKTMetadata", "MKTTestSupport"],
            swiftSettings: strict
        ),
    ]
)
