import SuanliKit

/// 經濟部投資審議司「陸資來臺投資事業名錄」— businesses with approved mainland-Chinese investment,
/// one of the two sources 須知 貳、三 names for the Chinese-capital rule (SPEC C2.3).
enum ChineseCapitalListImport: RegistryRowParsing {
    static let taxID = RegistryColumn("統一編號", aliases: ["統編"], required: true, "統一編號", "business ID")
    static let name = RegistryColumn(
        "名稱", aliases: ["公司名稱", "事業名稱", "投資事業名稱"], required: true, "事業名稱", "business name")
    static let approved = RegistryColumn(
        "核准日期", aliases: ["核准日"], "核准日期（民國，1120305 或 112/03/05）", "approval date (ROC)")

    static let layout = RegistryLayout(source: .chineseCapitalList, columns: [taxID, name, approved])

    static var idColumn: RegistryColumn { taxID }

    static func parse(_ cells: inout RegistryCellReader) -> RegistryRowOutcome {
        let id = cells.taxID(taxID, required: true)
        let businessName = cells.text(name, required: true)
        let approvedOn = cells.date(approved)
        guard let id, let businessName else { return .invalid }
        return .record(RegistryRecord(
            taxID: id, name: businessName, source: .chineseCapitalList,
            chineseCapital: true, chineseCapitalApprovedOn: approvedOn))
    }
}
