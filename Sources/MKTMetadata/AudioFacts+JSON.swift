import Foundation

extension AudioFacts {
    /// Canonical JSON (sorted keys, integers only): what `mkt probe` prints.
    public func json(path: String) throws -> Data {
        var object: [String: Any] = [
            "codec": codec, "container": container, "sampleRate": sampleRate, "channels": channels, "tags": tags,
            "truncated": truncated, "path": path,
            "pictures": pictures.map {
                ["type": $0.type, "mimeType": $0.mimeType, "description": $0.description, "width": $0.width, "height": $0.height, "bytes": $0.byteCount]
            },
        ]
        if !implausible.isEmpty { object["implausible"] = implausible }
        if !chapters.isEmpty { object["chapters"] = chapters.map { ["start": $0.startMilliseconds, "title": $0.title] as [String: Any] } }
        object["bitDepth"] = bitDepth
        object["sampleCount"] = sampleCount
        object["durationMilliseconds"] = durationMilliseconds
        object["bitrate"] = bitrate
        object["encoder"] = encoder
        object["encoding"] = encoding
        object["bitrateMode"] = bitrateMode
        object["encoderSettings"] = encoderSettings
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
