import SwiftNASCore

/// Splits a command string into argv words the way a POSIX shell would, without running a shell:
/// whitespace separates words; single quotes keep text literally; double quotes keep text but honour
/// `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes the next character.
public enum CommandLineWords {
    public static func split(_ command: String, source: String = "--evaluator") throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(command).makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "'" { closed = true; break }
                    current.append(d)
                }
                if !closed { throw InputError(source: source, "unterminated single quote in '\(command)'") }
            case "\"":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let e = iterator.next() {
                        if "\"\\$`".contains(e) { current.append(e) } else { current.append(d); current.append(e) }
                        continue
                    }
                    current.append(d)
                }
                if !closed { throw InputError(source: source, "unterminated double quote in '\(command)'") }
            case "\\":
                inWord = true
                guard let e = iterator.next() else { throw InputError(source: source, "trailing backslash in '\(command)'") }
                current.append(e)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        if words.isEmpty { throw InputError(source: source, "empty command") }
        return words
    }
}
