import Foundation
@testable import MKTClients
import Testing

/// What rTorrent's `system.multicall` answers, read as a torrent's state; the labels both single-label clients take.
struct RTorrentStatusTests {
    static func rows(_ values: [XMLRPCValue]) -> XMLRPCValue { .array(values.map { .array([$0]) }) }

    @Test func hashingHalfDoneAndComplete() throws {
        let hashing = try RTorrentClient.status(from: Self.rows([.int(3), .int(1), .int(1_048_576), .int(2_100_000), .int(0), .string("")]))
        #expect(hashing == ClientTorrent(progress: 1_048_576 / 2_100_000, state: "hashing", checking: true))
        let done = try RTorrentClient.status(from: Self.rows([.int(0), .int(0), .int(2_100_000), .int(2_100_000), .int(1), .string("")]))
        #expect(done == ClientTorrent(progress: 1, state: "started", checking: false))
        let missing = try RTorrentClient.status(from: Self.rows([.int(0), .int(0), .int(0), .int(2_100_000), .int(0), .string("Storage error: No such file or directory")]))
        #expect(missing?.missingFiles == true && missing?.progress == 0 && missing?.state == "stopped: Storage error: No such file or directory")
    }

    @Test func anUnknownHashIsNoTorrentAndOtherFaultsAreErrors() throws {
        let fault = XMLRPCValue.structure(["faultCode": .int(-501), "faultString": .string("Could not find info-hash.")])
        #expect(try RTorrentClient.status(from: .array(Array(repeating: fault, count: RTorrentClient.statusFields.count))) == nil)
        let other = XMLRPCValue.structure(["faultCode": .int(-506), "faultString": .string("Method 'd.hashing' not defined")])
        #expect(throws: XMLRPCError(description: "Method 'd.hashing' not defined")) {
            try RTorrentClient.status(from: .array(Array(repeating: other, count: RTorrentClient.statusFields.count)))
        }
        #expect(throws: XMLRPCError.self) { try RTorrentClient.status(from: .array([])) }
    }

    @Test func labels() {
        #expect(RTorrentClient.label(category: nil, tags: ["red"]) == "red")
        #expect(RTorrentClient.label(category: "Music & Co", tags: ["red"]) == "Music%20%26%20Co")
        #expect(RTorrentClient.label(category: nil, tags: []) == nil)
        #expect(DelugeClient.label(category: "Music/FLAC 24", tags: ["red"]) == "music_flac_24")
        #expect(DelugeClient.label(category: nil, tags: ["OPS"]) == "ops")
        #expect(RTorrentClient.target("abcdef") == .string("ABCDEF"))
    }
}
