import Testing

@testable import Grants

/// The CSV reader (SPEC T8): RFC 4180 quoting, line numbers that match an editor's.
@Suite struct RegistryCSVTests {
    func rows(_ text: String) throws -> [RegistryCSVRow] {
        try RegistryCSV.rows(Array(text.utf8)[...]).get()
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let parsed = try rows("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here")
        #expect(parsed.map(\.fields) == [
            ["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "row", "here"],
        ])
        #expect(parsed.map(\.line) == [1, 2, 4])
    }

    @Test func crlfAndBlankLinesAndTrailingEmptyFields() throws {
        let parsed = try rows("h1,h2\r\n\r\n1,\r\n2,x\r\n")
        #expect(parsed.map(\.fields) == [["h1", "h2"], ["1", ""], ["2", "x"]])
        #expect(parsed.map(\.line) == [1, 3, 4])
    }

    @Test func quoteInsideAnUnquotedFieldIsText() throws {
        #expect(try rows("a\"b,c").first?.fields == ["a\"b", "c"])
    }

    @Test func unterminatedQuoteNamesTheLineItStarts() {
        let result = RegistryCSV.rows(Array("a,b\n1,\"open\n2,3\n".utf8)[...])
        guard case .failure(let issue) = result else { Issue.record("expected a failure"); return }
        #expect(issue.code == "registry.csv.unterminated")
        #expect(issue.line == 2)
        #expect(issue.column == nil)
    }

    @Test func textAfterClosingQuoteIsRefused() {
        let result = RegistryCSV.rows(Array("a,b\n\"x\"y,2\n".utf8)[...])
        guard case .failure(let issue) = result else { Issue.record("expected a failure"); return }
        #expect(issue.code == "registry.csv.quote")
        #expect(issue.line == 2)
    }

    @Test func duplicateHeaderNamesAreNumbered() throws {
        let header = RegistryHeader(try rows("行業代號,名稱,行業代號,名稱,行業代號").first!)
        #expect(header.names == ["行業代號", "名稱", "行業代號1", "名稱1", "行業代號2"])
    }

    @Test func issueMessagesLeadWithTheLocation() {
        let issue = RegistryImportIssue.cell(5, "統一編號", code: "x", zh: "錯了。", en: "Wrong.")
        #expect(issue.zh == "第 5 行「統一編號」欄：錯了。")
        #expect(issue.en == "Line 5, column 統一編號: Wrong.")
        #expect(RegistryImportIssue.line(5, code: "x", zh: "錯了。", en: "Wrong.").en == "Line 5: Wrong.")
        #expect(RegistryImportIssue.fileLevel(code: "x", zh: "z", en: "e").en == "e")
    }
}
