import SuanliKit

/// The one place tax industry codes are translated into 行業標準分類 codes (SPEC C2.1, T8).
///
/// 財政部's 稅務行業標準分類 is built on 主計總處's 行業標準分類 (第 11 次修正): its 6-digit code is
/// the 4-digit 細類 followed by a 2-digit tax subdivision — 620101 refines 細類 6201, 582001 refines
/// 5820, 669911 refines 6699. The section letter is not part of the tax code, so it comes from the
/// 2-digit 中類 through `sections` below. A programme rule such as "J62" then holds for every tax code
/// whose 細類 lies under it (`StandardIndustryCode.contains`):
///
/// | tax 行業代號 (leading digits) | 行業標準分類 | 名稱 (須知 貳、一) |
/// |---|---|---|
/// | 5820xx | J582 | 軟體出版業 |
/// | 62xxxx | J62 | 電腦程式設計、諮詢及相關服務業 |
/// | 63xxxx | J63 | 資訊服務業 |
/// | 6699xx | K6699 | 第三方支付服務業 |
///
/// Note: the 須知 names K6699 「第三方支付服務業」; the seed wins over other labels for it.
public enum IndustryCodeMapping {
    /// 行業標準分類 大類 by 中類 range (第 11 次修正). Divisions outside these ranges do not exist.
    static let sections: [(divisions: ClosedRange<Int>, section: Character)] = [
        (1...3, "A"),    // 農、林、漁、牧業
        (5...6, "B"),    // 礦業及土石採取業
        (8...34, "C"),   // 製造業
        (35...35, "D"),  // 電力及燃氣供應業
        (36...39, "E"),  // 用水供應及污染整治業
        (41...43, "F"),  // 營建工程業
        (45...48, "G"),  // 批發及零售業
        (49...54, "H"),  // 運輸及倉儲業
        (55...56, "I"),  // 住宿及餐飲業
        (58...63, "J"),  // 出版影音及資通訊業
        (64...66, "K"),  // 金融及保險業
        (67...68, "L"),  // 不動產業
        (69...76, "M"),  // 專業、科學及技術服務業
        (77...82, "N"),  // 支援服務業
        (83...84, "O"),  // 公共行政及國防；強制性社會安全
        (85...85, "P"),  // 教育業
        (86...88, "Q"),  // 醫療保健及社會工作服務業
        (90...93, "R"),  // 藝術、娛樂及休閒服務業
        (94...96, "S"),  // 其他服務業
    ]

    /// The section letter for a 2-digit division, or nil for a division that does not exist.
    public static func section(ofDivision division: String) -> Character? {
        guard division.utf8.count == 2, let number = Int(division) else { return nil }
        return sections.first { $0.divisions.contains(number) }?.section
    }

    /// The 細類 a tax code refines: section letter + its first 4 digits (620101 → J6201).
    public static func standardClass(of code: TaxIndustryCode) -> StandardIndustryCode? {
        guard let section = section(ofDivision: code.division) else { return nil }
        return StandardIndustryCode("\(section)\(code.digits.prefix(4))")
    }

    /// The classes the programme accepts (SPEC C2.1, 須知 貳、一, 附件 1「行業分類」).
    public static let eligible: [(code: StandardIndustryCode, title: Bilingual)] = [
        (StandardIndustryCode("J582")!, Bilingual(zh: "軟體出版業", en: "Software publishing")),
        (StandardIndustryCode("J62")!,
         Bilingual(zh: "電腦程式設計、諮詢及相關服務業",
                   en: "Computer programming, consultancy and related activities")),
        (StandardIndustryCode("J63")!, Bilingual(zh: "資訊服務業", en: "Information service activities")),
        (StandardIndustryCode("K6699")!, Bilingual(zh: "第三方支付服務業", en: "Third-party payment services")),
    ]

    /// The eligible class that contains `code`, if any.
    public static func eligibleClass(containing code: StandardIndustryCode) -> StandardIndustryCode? {
        eligible.first { $0.code.contains(code) }?.code
    }
}
