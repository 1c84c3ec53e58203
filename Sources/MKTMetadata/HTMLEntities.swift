/// HTML character references: the HTML 4 named set (the Latin-1 block and the
/// typographic punctuation that tracker and shop pages use), decimal and hex
/// references with the HTML spec's Windows-1252 repair for 0x80–0x9F.
public enum HTMLEntities {
    /// Names for U+00A0 to U+00FF, in code point order.
    private static let latin1 = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
        "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
        "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave",
        "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
        "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
        "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
        "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ]

    private static let others: [String: UInt32] = [
        "quot": 34, "amp": 38, "apos": 39, "lt": 60, "gt": 62, "OElig": 338, "oelig": 339, "Scaron": 352, "scaron": 353,
        "Yuml": 376, "fnof": 402, "circ": 710, "tilde": 732, "ensp": 8194, "emsp": 8195, "thinsp": 8201, "zwnj": 8204,
        "zwj": 8205, "lrm": 8206, "rlm": 8207, "ndash": 8211, "mdash": 8212, "lsquo": 8216, "rsquo": 8217, "sbquo": 8218,
        "ldquo": 8220, "rdquo": 8221, "bdquo": 8222, "dagger": 8224, "Dagger": 8225, "bull": 8226, "hellip": 8230,
        "permil": 8240, "prime": 8242, "Prime": 8243, "lsaquo": 8249, "rsaquo": 8250, "euro": 8364, "trade": 8482,
        "larr": 8592, "rarr": 8594, "minus": 8722,
    ]

    static let named: [String: UInt32] = {
        var table = others
        for (offset, name) in latin1.enumerated() { table[name] = 0xA0 + UInt32(offset) }
        return table
    }()

    /// Names a browser also accepts without the closing ';' (the HTML 4 Latin-1 set and the basics).
    static let legacy: Set<String> = Set(latin1).union(["amp", "lt", "gt", "quot"])

    /// What numeric references to 0x80–0x9F mean: Windows-1252, as browsers read them.
    private static let windows1252: [UInt32: UInt32] = [
        0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02C6,
        0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8E: 0x017D, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C,
        0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC, 0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A,
        0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
    ]

    /// The character a numeric reference stands for; U+FFFD for one that stands for none.
    static func scalar(forNumber value: UInt32) -> Unicode.Scalar {
        if let mapped = windows1252[value] { return Unicode.Scalar(mapped) ?? "\u{FFFD}" }
        if value == 0 { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// `text` safe in HTML text and in a double-quoted attribute.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Decodes every reference in one pass (so `&amp;amp;` becomes `&amp;`, once).
    public static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&", let (replacement, length) = reference(in: scalars, at: index) else {
                out.append(scalars[index])
                index += 1
                continue
            }
            out.append(replacement)
            index += length
        }
        return String(out)
    }

    /// The reference starting at `start` (which holds '&'): its character and its length.
    private static func reference(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var index = start + 1
        if index < scalars.count && scalars[index] == "#" {
            index += 1
            let hex = index < scalars.count && (scalars[index] == "x" || scalars[index] == "X")
            if hex { index += 1 }
            let digitsStart = index
            var value: UInt32 = 0
            while index < scalars.count, let digit = hex ? hexadecimal(scalars[index]) : decimal(scalars[index]), index - digitsStart < 8 {
                value = value * (hex ? 16 : 10) + UInt32(digit)
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < scalars.count && scalars[index] == ";" { index += 1 }
            return (scalar(forNumber: value), index - start)
        }
        let nameStart = index
        while index < scalars.count, index - nameStart < 10, scalars[index].properties.isAlphabetic || decimal(scalars[index]) != nil {
            index += 1
        }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<index]))
        if index < scalars.count && scalars[index] == ";", let value = named[name].flatMap(Unicode.Scalar.init) {
            return (value, index + 1 - start)
        }
        // Without ';', the longest legacy name that starts the run counts (as in "&copy2019").
        for end in stride(from: index, to: nameStart, by: -1) {
            let candidate = String(String.UnicodeScalarView(scalars[nameStart..<end]))
            if legacy.contains(candidate), let value = named[candidate].flatMap(Unicode.Scalar.init) { return (value, end - start) }
        }
        return nil
    }

    private static func decimal(_ scalar: Unicode.Scalar) -> Int? {
        ("0"..."9").contains(scalar) ? Int(scalar.value - 48) : nil
    }

    private static func hexadecimal(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 48)
        case "a"..."f": Int(scalar.value - 87)
        case "A"..."F": Int(scalar.value - 55)
        default: nil
        }
    }
}
