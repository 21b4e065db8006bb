import Foundation
import Testing

@testable import Grants

/// The three code systems (SPEC T8) and the one tax → standard mapping (SPEC C2.1).
@Suite struct RegistryIndustryCodeTests {
    @Test(arguments: [
        ("620101", "J6201", "J62"),
        ("620201", "J6202", "J62"),
        ("620901", "J6209", "J62"),
        ("631201", "J6312", "J63"),
        ("639901", "J6399", "J63"),
        ("582001", "J5820", "J582"),
        ("669911", "K6699", "K6699"),
    ])
    func eligibleTaxCodesMapToTheirClass(tax: String, standard: String, eligible: String) throws {
        let code = try #require(TaxIndustryCode(tax))
        #expect(code.standardClass?.code == standard)
        #expect(IndustryCodeMapping.eligibleClass(containing: code.standardClass!)?.code == eligible)
    }

    @Test(arguments: [
        ("581101", "J5811"),  // 新聞出版: J58 but not J582
        ("601001", "J6010"),  // 廣播: J but not J62/J63
        ("669101", "K6691"),  // another 金融輔助 class, not K6699
        ("108999", "C1089"),
        ("472999", "G4729"),
        ("475911", "G4759"),
        ("721001", "M7210"),
        ("011101", "A0111"),
        ("960001", "S9600"),
    ])
    func otherTaxCodesMapButAreNotEligible(tax: String, standard: String) throws {
        let mapped = try #require(TaxIndustryCode(tax)?.standardClass)
        #expect(mapped.code == standard)
        #expect(IndustryCodeMapping.eligibleClass(containing: mapped) == nil)
    }

    @Test(arguments: ["040000", "070101", "440000", "570101", "890000", "970000", "990000"])
    func divisionsOutsideTheClassificationHaveNoStandardClass(_ tax: String) {
        #expect(TaxIndustryCode(tax) != nil)
        #expect(TaxIndustryCode(tax)?.standardClass == nil)
    }

    @Test(arguments: ["", "62010", "6201011", "62O101", "６２０１０１", "J62010"])
    func malformedTaxCodesAreRefused(_ text: String) {
        #expect(TaxIndustryCode(text) == nil)
    }

    @Test func sectionTableCoversEveryDivisionOnce() {
        var seen = Set<Int>()
        for entry in IndustryCodeMapping.sections {
            for division in entry.divisions { #expect(seen.insert(division).inserted) }
        }
        #expect(IndustryCodeMapping.section(ofDivision: "62") == "J")
        #expect(IndustryCodeMapping.section(ofDivision: "66") == "K")
        #expect(IndustryCodeMapping.section(ofDivision: "6") == nil)
    }

    @Test(arguments: [
        ("J62", "J62"), ("j62", "J62"), (" J 582 ", "J582"), ("K6699", "K6699"), ("C1089", "C1089"),
    ])
    func standardCodesParse(text: String, code: String) {
        #expect(StandardIndustryCode(text)?.code == code)
    }

    @Test(arguments: ["J", "J6", "J62011", "K62", "J64", "X62", "62", "Ｊ62", "J6A"])
    func standardCodesWithWrongShapeOrSectionAreRefused(_ text: String) {
        #expect(StandardIndustryCode(text) == nil)
    }

    @Test func containmentFollowsTheHierarchy() {
        let j62 = StandardIndustryCode("J62")!, j6201 = StandardIndustryCode("J6201")!
        #expect(j62.contains(j6201))
        #expect(j62.contains(j62))
        #expect(!j6201.contains(j62))
        #expect(!StandardIndustryCode("J63")!.contains(j6201))
        #expect(!StandardIndustryCode("J582")!.contains(StandardIndustryCode("J5811")!))
    }

    @Test func eligibleClassesAreTheSeedsFour() {
        #expect(IndustryCodeMapping.eligible.map(\.code.code) == ["J582", "J62", "J63", "K6699"])
        #expect(IndustryCodeMapping.eligible[3].title.zh == "第三方支付服務業")  // 須知 貳、一
    }

    @Test func standardCodesEncodeAsPlainText() throws {
        let encoded = try JSONEncoder().encode([StandardIndustryCode("J62")!])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"J62\"]")
        #expect(try JSONDecoder().decode([StandardIndustryCode].self, from: encoded).first?.code == "J62")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([StandardIndustryCode].self, from: Data("[\"K62\"]".utf8))
        }
    }

    @Test(arguments: [("I301010", true), ("i301020", true), ("CC01110", true), ("ZZ99999", true),
                      ("IZ99990", true), ("I30101", false), ("1301010", false), ("I3010100", false),
                      ("I30101A", false), ("", false)])
    func businessItemCodes(text: String, valid: Bool) {
        #expect((BusinessItemCode(text) != nil) == valid)
    }

    @Test func theThreeCodeSystemsAreDistinctTypes() {
        // A compile-time property; this documents it: each type refuses the others' spellings.
        #expect(TaxIndustryCode("J62") == nil)
        #expect(StandardIndustryCode("620101") == nil)
        #expect(BusinessItemCode("620101") == nil)
        #expect(BusinessItemCode("J62") == nil)
    }

    @Test(arguments: [
        ("股份有限公司", "", OrganisationType.companyLimitedByShares),
        ("有限公司", "", .limitedCompany),
        ("獨資", "", .soleProprietorship),
        ("合夥", "", .partnership),
        ("有限合夥", "", .limitedPartnership),
        ("外國公司", "", .foreignCompanyBranch),
        ("外國公司在台分公司", "", .foreignCompanyBranch),
        ("大陸公司", "", .mainlandCompanyBranch),
        ("本國公司分公司", "", .domesticBranch),
        ("財團法人", "", .foundation),
        ("其他", "財團法人臺灣智慧應用研究基金會", .foundation),
        ("", "社團法人台灣軟體協會", .otherBody("社團法人")),
        ("合作社", "", .otherBody("合作社")),
        ("自然人", "", .naturalPerson),
        ("其他", "某某", .unrecognised("其他")),
    ])
    func organisationTypesFromTheTaxRegister(text: String, name: String, expected: OrganisationType) {
        #expect(OrganisationType(registryText: text, name: name) == expected)
    }

    @Test func organisationTypeNilWhenNothingIsSaid() {
        #expect(OrganisationType(registryText: "  ", name: "雲杉") == nil)
    }

    @Test(arguments: [
        ("雲杉軟體股份有限公司", OrganisationType.companyLimitedByShares),
        ("青嶼資訊有限公司", .limitedCompany),
        ("美商雲端服務股份有限公司台灣分公司", .companyLimitedByShares),
        ("某某兩合公司", .twoTierCompany),
        ("SOMETHING CORP.", .company),
    ])
    func companyFormFromTheRegisteredName(name: String, expected: OrganisationType) {
        #expect(OrganisationType.fromCompanyName(name) == expected)
    }
}
