/// A CSV file parsed per RFC 4180: comma-separated fields, fields in double quotes may hold commas, line breaks
/// and doubled quotes (`""`), lines end in LF or CRLF. The first record is the header.
public struct CSVTable: Sendable, Hashable {
    /// The column names.
    public var header: [String]
    /// The data records, each with as many fields as the header.
    public var records: [[String]]

    /// Parses `text`; `source` names the file in errors. Blank lines are skipped; a record with a different
    /// number of fields than the header, or an unterminated quote, is an `InputError`.
    public init(parsing text: String, source: String) throws {
        var parsed: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, fieldWasQuoted = false, afterQuote = false
        var line = 1, recordLine = 1
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
            afterQuote = false
        }
        func endRecord() {
            if fields.isEmpty && field.isEmpty && !fieldWasQuoted {
                recordLine = line + 1
                return
            }
            endField()
            parsed.append((recordLine, fields))
            fields = []
            recordLine = line + 1
        }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                case UInt8(ascii: "\r") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\"") where field.isEmpty && !fieldWasQuoted:
                    quoted = true
                    fieldWasQuoted = true
                default:
                    if afterQuote {
                        throw InputError(source: source, field: "line \(line)", "text after a closing quote")
                    }
                    field.append(byte)
                }
            }
            i += 1
        }
        if quoted { throw InputError(source: source, field: "line \(recordLine)", "a quoted field is never closed") }
        endRecord()
        guard let first = parsed.first else { throw InputError(source: source, field: "", "the file is empty (no header line)") }
        header = first.fields
        records = []
        records.reserveCapacity(parsed.count - 1)
        for record in parsed.dropFirst() {
            guard record.fields.count == header.count else {
                throw InputError(source: source, field: "line \(record.line)",
                                             "has \(record.fields.count) fields, the header has \(header.count)")
            }
            records.append(record.fields)
        }
    }
}
