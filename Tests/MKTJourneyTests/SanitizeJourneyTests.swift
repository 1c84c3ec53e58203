import Foundation
import MKTTestSupport
import Testing

struct SanitizeJourneyTests {
    @Test func theExampleFromTheIssue() throws {
        let result = try MKTProcess.shell("echo '<b>Simon &amp; Garfunkel</b>&nbsp;&#8211; Live' | mkt sanitize", in: "/")
        #expect(result.status == 0)
        #expect(result.stdout == "Simon & Garfunkel – Live\n")
    }

    @Test func jsonFilesAndBadInput() throws {
        try withTemporaryDirectory { directory in
            try writeFile("\(directory)/meta.json", #"{"comment":"Ripped &amp; <b>checked</b>"}"#)
            let json = try MKTProcess.run(["sanitize", "--json", "meta.json"], in: directory)
            #expect(json.stdout == #"{"comment":"Ripped & checked"}"# + "\n")
            let bad = try MKTProcess.run(["sanitize", "--json"], in: directory, input: "{oops")
            #expect(bad.status == 1 && bad.stderr == "error: standard input line 1: not valid JSON\n")
            let latin1 = try MKTProcess.run(["sanitize"], in: directory, stdin: Data([0x43, 0x61, 0x66, 0xE9]))
            #expect(latin1.status == 1 && latin1.stderr == "error: standard input: not UTF-8 text\n")
            let missing = try MKTProcess.run(["sanitize", "nowhere.txt"], in: directory)
            #expect(missing.stderr == "error: cannot read 'nowhere.txt': No such file or directory\n")
        }
    }
}
