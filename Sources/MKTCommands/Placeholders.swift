/// git-style `%(atom)` placeholders, with `%%` for a literal percent sign.
enum Placeholders {
    /// The atom names a format uses, in order.
    static func atoms(in format: String) -> [String] {
        var found: [String] = []
        _ = expand(format) { atom in
            found.append(atom)
            return ""
        }
        return found
    }

    /// Replaces each `%(atom)` with `value(atom)`.
    static func expand(_ format: String, _ value: (String) -> String) -> String {
        var out = ""
        var index = format.startIndex
        while index < format.endIndex {
            let char = format[index]
            let next = format.index(after: index)
            if char == "%", next < format.endIndex {
                if format[next] == "%" {
                    out.append("%")
                    index = format.index(after: next)
                    continue
                }
                if format[next] == "(", let close = format[next...].firstIndex(of: ")") {
                    out += value(String(format[format.index(after: next)..<close]))
                    index = format.index(after: close)
                    continue
                }
            }
            out.append(char)
            index = next
        }
        return out
    }
}
