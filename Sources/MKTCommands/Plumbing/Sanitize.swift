import ArgumentParser
import Foundation
import MKTMetadata

extension MKT {
    struct Sanitize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clean text: strip HTML and BBCode, decode entities, NFC, collapse white space.",
            discussion: """
                Reads standard input (or each FILE) and writes the cleaned text to standard
                output. With --json the input is a JSON document and every string value in it
                is cleaned; keys, numbers and structure are kept.
                  echo '<b>Simon &amp; Garfunkel</b>&nbsp;&#8211; Live' | mkt sanitize
                  Simon & Garfunkel – Live
                """
        )

        @Flag(help: "Treat the input as JSON and clean every string value.")
        var json = false

        @Argument(help: "Files to clean instead of standard input.")
        var files: [String] = []

        func run() throws {
            let inputs: [(name: String, data: Data)] = try files.isEmpty
                ? [("standard input", FileHandle.standardInput.readDataToEndOfFile())]
                : files.map { path in
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw CommandError.unreadable(path, errno: access(path, R_OK) == 0 ? EISDIR : errno)
                    }
                    return (path, data)
                }
            for (name, data) in inputs {
                if json {
                    let cleaned: Data
                    do {
                        cleaned = try TextSanitizer.clean(json: data)
                    } catch {
                        throw CommandError.badInput(source: name, line: 1, reason: "not valid JSON")
                    }
                    Console.write(cleaned)
                    Console.write("\n")
                    continue
                }
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw CommandError.notUTF8(name)
                }
                let cleaned = TextSanitizer.clean(text)
                Console.write(cleaned.isEmpty ? "" : cleaned + "\n")
            }
        }
    }
}
