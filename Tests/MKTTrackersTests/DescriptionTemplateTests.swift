import MKTTrackers
import Testing

struct DescriptionTemplateTests {
    /// A line whose placeholders are all empty goes; blank lines run together; braces doubled are braces.
    @Test func emptyPlaceholdersTakeTheirLineAndBracesAreEscaped() throws {
        let template = try DescriptionTemplate("{lineage}\n\nScore: {rip-log-score} {{of 100}}\n\n\n{spectrals}\n\n{made-with-mkt}\n", origin: "t.bbcode")
        #expect(template.render(["rip-log-score": "95", "made-with-mkt": "Uploaded with mkt."]) == "Score: 95 {of 100}\n\nUploaded with mkt.")
        #expect(template.render([:]) == nil, "a line whose one placeholder is empty goes, its text with it")
        let placeholdersOnly = try DescriptionTemplate(DescriptionTemplate.builtIn, origin: "built-in")
        #expect(placeholdersOnly.render([:]) == nil, "nothing to say: no field")
        #expect(placeholdersOnly.render(["lineage": "From A.", "encoder": "Command: x", "made-with-mkt": "M."]) == "From A.\nCommand: x\n\nM.")
    }

    /// An unknown placeholder, or a lone brace, names the file and the line.
    @Test func anUnknownPlaceholderNamesTheFileAndLine() {
        #expect(throws: DescriptionTemplateError.self) { try DescriptionTemplate("ok\n{ripscore}\n", origin: "/home/u/desc.bbcode") }
        do {
            _ = try DescriptionTemplate("ok\nScore {ripscore}\n", origin: "/home/u/desc.bbcode")
            Issue.record("an unknown placeholder was taken")
        } catch {
            #expect(error.description.hasPrefix("/home/u/desc.bbcode:2: unknown placeholder {ripscore} (known: {lineage}, {encoder}, "), "\(error)")
        }
        for (text, reason) in [("a {lineage", "a '{' without its '}'"), ("a } b", "a '}' without its '{'")] {
            do {
                _ = try DescriptionTemplate(text, origin: "d")
                Issue.record("\(text) was taken")
            } catch {
                #expect(error.description.hasPrefix("d:1: \(reason)"), "\(error)")
            }
        }
    }
}
