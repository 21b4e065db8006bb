import SuanliKit

/// 財政部「全國營業(稅籍)登記資料集」(data.gov.tw, file BGMOPEN1.csv) — every business in operation
/// with its tax registration (SPEC T8). The published header is
/// 營業地址,統一編號,總機構統一編號,營業人名稱,資本額,設立日期,組織別名稱,使用統一發票,
/// 行業代號,名稱,行業代號1,名稱1,行業代號2,名稱2,行業代號3,名稱3
/// and the line after it is a date stamp such as `10-APR-23,,,,…`, which we read as the dataset date.
enum TaxRegisterImport: RegistryRowParsing {
    static let address = RegistryColumn("營業地址", "營業地址", "business address")
    static let taxID = RegistryColumn("統一編號", required: true, "統一編號", "business ID")
    static let headOffice = RegistryColumn(
        "總機構統一編號", required: true, "總機構統一編號（分支機構才有）", "head office's business ID (branches only)")
    static let name = RegistryColumn("營業人名稱", required: true, "營業人名稱", "business name")
    static let capital = RegistryColumn("資本額", required: true, "資本額（新臺幣元）", "capital (whole NT$)")
    static let established = RegistryColumn(
        "設立日期", required: true, "設立日期（民國 7 碼，如 1070101）", "established on (ROC, 7 digits: 1070101)")
    static let form = RegistryColumn(
        "組織別名稱", required: true, "組織別（獨資、合夥、股份有限公司…）", "legal form (獨資, 合夥, 股份有限公司 …)")
    static let invoice = RegistryColumn("使用統一發票", "使用統一發票（Y/N）", "issues uniform invoices (Y/N)")
    static let industries: [RegistryColumn] = [
        RegistryColumn("行業代號", required: true, "主要行業代號（6 碼稅務行業代號）", "main tax industry code (6 digits)"),
        RegistryColumn("行業代號1", "次要行業代號 1", "secondary tax industry code 1"),
        RegistryColumn("行業代號2", "次要行業代號 2", "secondary tax industry code 2"),
        RegistryColumn("行業代號3", "次要行業代號 3", "secondary tax industry code 3"),
    ]
    static let industryNames: [RegistryColumn] = ["名稱", "名稱1", "名稱2", "名稱3"].map {
        RegistryColumn($0, "行業名稱（僅供閱讀，不使用）", "industry name (informational, not used)")
    }

    static let layout = RegistryLayout(
        source: .taxRegister,
        columns: [address, taxID, headOffice, name, capital, established, form, invoice]
            + zip(industries, industryNames).flatMap { [$0, $1] })

    static var idColumn: RegistryColumn { taxID }

    static func parse(_ cells: inout RegistryCellReader) -> RegistryRowOutcome {
        if cells.row[taxID].isEmpty, let stamp = stampDate(cells.row.row.fields.first ?? "") {
            return .stamp(stamp)
        }
        let id = cells.taxID(taxID, required: true)
        let head = cells.taxID(headOffice)
        let businessName = cells.text(name, required: true)
        let capitalNTD = cells.amount(capital)
        let established = cells.date(established)
        let formText = cells.text(form) ?? ""
        let usesInvoice = cells.flag(invoice)
        let codes = industries.compactMap { cells.taxIndustryCode($0) }
        let addressText = cells.text(address)
        guard let id, let businessName else { return .invalid }
        return .record(RegistryRecord(
            taxID: id, name: businessName, source: .taxRegister, headOfficeTaxID: head, capitalNTD: capitalNTD,
            establishedOn: established,
            organisationType: OrganisationType(registryText: formText, name: businessName),
            taxIndustryCodes: codes.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
            address: addressText, usesUniformInvoice: usesInvoice))
    }

    /// "10-APR-23" (Oracle DD-MON-YY, the export's date stamp) → 2023-04-10.
    static func stampDate(_ text: String) -> ROCDate? {
        let parts = text.trimmingWhitespaceAndBOM().uppercased().split(separator: "-")
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        guard parts.count == 3, let day = Int(parts[0]), let month = months.firstIndex(of: String(parts[1])),
            parts[2].count == 2, let year = Int(parts[2])
        else { return nil }
        return ROCDate(gregorianYear: 2000 + year, month: month + 1, day: day)
    }
}
