import SuanliKit

/// 經濟部商業發展署 商工行政資料開放平臺「公司登記基本資料」(GCIS), as a CSV of its API fields
/// (SPEC T8). Business items (Cmp_Business) come either flattened into one `Business_Items` cell
/// ("I301010;I301020") or one per row — `Business_Seq_NO`, `Business_Item`, `Business_Item_Desc` — with
/// the company's columns repeated; such repeated rows are a continuation, not a duplicate.
enum CompanyRegistryImport: RegistryRowParsing {
    static let taxID = RegistryColumn("Business_Accounting_NO", required: true, "統一編號", "business ID")
    static let name = RegistryColumn("Company_Name", required: true, "公司名稱", "company name")
    static let status = RegistryColumn(
        "Company_Status_Desc", required: true, "公司狀況（核准設立、解散…）", "company status (核准設立, 解散 …)")
    static let capital = RegistryColumn("Capital_Stock_Amount", "資本總額（元）", "authorised capital (NT$)")
    static let paidIn = RegistryColumn("Paid_In_Capital_Amount", "實收資本額（元）", "paid-in capital (NT$)")
    static let representative = RegistryColumn("Responsible_Name", "代表人姓名", "representative")
    static let location = RegistryColumn("Company_Location", "公司所在地", "registered address")
    static let authority = RegistryColumn("Register_Organization_Desc", "登記機關", "registering authority")
    static let setup = RegistryColumn(
        "Company_Setup_Date", "核准設立日期（民國 7 碼）", "date of incorporation (ROC, 7 digits)")
    static let changed = RegistryColumn(
        "Change_Of_Approval_Data", "最後核准變更日期（民國 7 碼）", "last approved change (ROC, 7 digits)")
    static let items = RegistryColumn(
        "Business_Items", "營業項目代碼，以分號分隔（I301010;I301020）", "business item codes, ;-separated")
    static let itemSequence = RegistryColumn("Business_Seq_NO", "營業項目序號（每列一項時）", "item number (one item per row)")
    static let item = RegistryColumn("Business_Item", "營業項目代碼（每列一項時）", "business item code (one per row)")
    static let itemDescription = RegistryColumn(
        "Business_Item_Desc", "營業項目說明（每列一項時）", "business item wording (one per row)")
    static let equity = RegistryColumn(
        "股權狀況", aliases: ["Equity_Status"], "股權狀況（公示資料；含「陸資」即為陸資）",
        "shareholding status from the public register; 陸資 marks Chinese capital")

    static let layout = RegistryLayout(
        source: .companyRegistry,
        columns: [taxID, name, status, capital, paidIn, representative, location, authority, setup, changed,
                  items, itemSequence, item, itemDescription, equity])

    static var idColumn: RegistryColumn { taxID }

    static func parse(_ cells: inout RegistryCellReader) -> RegistryRowOutcome {
        let id = cells.taxID(taxID, required: true)
        let companyName = cells.text(name, required: true)
        let statusText = cells.text(status, required: true)
        let capitalNTD = cells.amount(capital)
        let paidInNTD = cells.amount(paidIn)
        let setupDate = cells.date(setup)
        let changedDate = cells.date(changed)
        var businessItems = cells.businessItemCodes(items).map { BusinessItem(code: $0) }
        if let single = cells.businessItemCodes(item).first {
            let wording = cells.text(itemDescription)
            if !businessItems.contains(where: { $0.code == single }) {
                businessItems.append(BusinessItem(code: single, description: wording))
            }
        }
        let equityText = cells.text(equity)
        let texts = (cells.text(representative), cells.text(location), cells.text(authority))
        guard let id, let companyName, let statusText else { return .invalid }
        return .record(RegistryRecord(
            taxID: id, name: companyName, source: .companyRegistry, capitalNTD: capitalNTD,
            paidInCapitalNTD: paidInNTD, establishedOn: setupDate,
            organisationType: OrganisationType.fromCompanyName(companyName), businessItems: businessItems,
            status: RegistryStatus(statusText), representative: texts.0, address: texts.1,
            registeringAuthority: texts.2, lastChangeApprovedOn: changedDate,
            chineseCapital: equityText.map { $0.contains("陸資") }))
    }

    /// A repeated company whose company-level cells are identical adds its business items.
    static func continuation(of earlier: RegistryRecord, with later: RegistryRecord) -> RegistryRecord? {
        var a = earlier, b = later
        a.businessItems = []
        b.businessItems = []
        guard a == b else { return nil }
        var merged = earlier
        for item in later.businessItems where !merged.businessItems.contains(where: { $0.code == item.code }) {
            merged.businessItems.append(item)
        }
        return merged
    }
}
