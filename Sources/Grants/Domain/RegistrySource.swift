/// The open datasets a registry snapshot is built from (SPEC T8). Their names are data.gov.tw's, so
/// the operator can find the file to download; samples/registry/README.md documents the layouts.
public enum RegistrySource: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// 財政部財政資訊中心「全國營業(稅籍)登記資料集」(BGMOPEN1.csv): businesses in operation.
    case taxRegister = "tax-register"
    /// 經濟部商業發展署 商工行政資料開放平臺「公司登記基本資料」(GCIS).
    case companyRegistry = "gcis"
    /// 經濟部投資審議司「陸資來臺投資事業名錄」.
    case chineseCapitalList = "chinese-capital"

    public var title: Bilingual {
        switch self {
        case .taxRegister: Bilingual(zh: "財政部稅籍登記", en: "tax register")
        case .companyRegistry: Bilingual(zh: "經濟部公司登記", en: "company registry (GCIS)")
        case .chineseCapitalList: Bilingual(zh: "陸資來臺投資事業名錄", en: "Chinese-capital investee list")
        }
    }

    /// Which source a merged record takes a field from first: the company registry is the legal
    /// record (須知 貳、一 names 商工登記's 核准設立日期), the tax register fills what it lacks.
    public static let precedence: [RegistrySource] = [.companyRegistry, .taxRegister, .chineseCapitalList]

    public static func < (lhs: Self, rhs: Self) -> Bool {
        precedence.firstIndex(of: lhs)! < precedence.firstIndex(of: rhs)!
    }
}
