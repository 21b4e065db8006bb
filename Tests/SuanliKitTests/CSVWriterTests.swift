import SuanliKit
import Testing

/// CSV for spreadsheets (RFC 4180, UTF-8 with BOM for Excel, OWASP CSV-injection neutralising).
@Suite struct CSVWriterTests {
    func text(_ rows: [[String]]) -> String {
        String(decoding: CSVWriter.document(rows, bom: false), as: UTF8.self)
    }

    @Test func writesRecordsWithCRLFAndABOMByDefault() {
        let bytes = CSVWriter.document([["梯次", "件數"], ["第 1 梯次", "12"]])
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self) == "梯次,件數\r\n第 1 梯次,12\r\n")
        #expect(CSVWriter.document([["a"]], bom: false) == Array("a\r\n".utf8))
        #expect(CSVWriter.document([]) == CSVWriter.byteOrderMark)
        #expect(CSVWriter.document([], bom: false).isEmpty)
    }

    @Test func quotesOnlyWhatRFC4180Requires() {
        #expect(text([["a,b", "say \"hi\"", "plain", ""]]) == "\"a,b\",\"say \"\"hi\"\"\",plain,\r\n")
        #expect(text([["line 1\nline 2"]]) == "\"line 1\nline 2\"\r\n")
        // "\r\n" is one Character in Swift; it must still be seen and quoted.
        #expect(text([["line 1\r\nline 2"]]) == "\"line 1\r\nline 2\"\r\n")
        #expect(text([["trailing\r"]]) == "\"trailing\r\"\r\n")
        #expect(text([[" spaced ", "引號「」"]]) == " spaced ,引號「」\r\n")
        #expect(text([[], ["x"]]) == "\r\nx\r\n")
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        ("=1+1", "'=1+1"), ("+886-2-2345-6789", "'+886-2-2345-6789"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("\t=1", "'\t=1"), ("\r=1", "\"'\r=1\""), ("-", "'-"), ("-.5", "'-.5"),
        ("-5.", "'-5."), ("-1.2.3", "'-1.2.3"), ("-2e3", "'-2e3"), ("－1", "'－1"), ("＝SUM(A1)", "'＝SUM(A1)"),
    ])
    func neutralisesFormulas(_ cell: String, _ written: String) {
        #expect(CSVWriter.field(cell) == written)
    }

    @Test(arguments: ["-5", "-0.25", "-12.50", "-1000000", "5", "0", "a=b", "1+1", "電子郵件 a@b.tw", "'quoted"])
    func leavesSafeCellsAlone(_ cell: String) {
        #expect(CSVWriter.field(cell) == cell)
    }

    @Test func neutralisedCellsStillRoundTripAsOneField() {
        #expect(text([["=cmd", "ok", "-7"]]) == "'=cmd,ok,-7\r\n")
        #expect(CSVWriter.record(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }
}
