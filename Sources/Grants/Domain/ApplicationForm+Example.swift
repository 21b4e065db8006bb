import Foundation
import SuanliKit

extension ApplicationForm {
    /// A complete form that passes `problems(for: .submission)`, for the demo programme (`suanli demo`) and
    /// tests. The companies, people and addresses are invented; e-mail uses the reserved example.com.tw
    /// and the source IP the documentation range 203.0.113.0/24. Every box was ticked at `now`.
    public static func example(category: GrantCategory, now: Date) -> ApplicationForm {
        var form = ApplicationForm(category: category)
        let ticked = Consent(givenAt: now, sourceIP: "203.0.113.24")
        for kind in ApplicationConsent.allCases { form[consent: kind] = ticked }
        form.industryCodes = [StandardIndustryCode("J62")!, StandardIndustryCode("J63")!]
        form.industryCodesDeclared = ticked
        form.projectLead = ContactPerson(name: "陳志明", title: "技術長", phone: "02-2345-6789#101",
                                         email: "chihming.chen@example.com.tw")
        form.projectContact = ContactPerson(name: "林雅婷", title: "專案經理", phone: "02-2345-6789#125",
                                            mobile: "0912-345-678", email: "yating.lin@example.com.tw")
        form.productisation = ProductisationPlan(
            targetCustomers: "國內中小型金融機構、保險經紀人公司及證券商之客服與法遵部門。",
            progress: "已完成概念驗證並於一家合作券商內部試用；預計 116 年第 2 季推出正式版。",
            productForm: "SaaS 雲端服務，提供網頁介面與 API，亦可依客戶需求於地端部署。",
            pricingUnit: "依每月查詢次數計價，每月 10,000 次以內新臺幣 30,000 元。")
        form.otherNeeds = "希望執行單位協助媒合有意試用之金融業者。"
        switch category {
        case .training: fillTraining(&form)
        case .inference: fillInference(&form)
        }
        return form
    }

    private static func fillTraining(_ form: inout ApplicationForm) {
        form.title = "金融法規智慧問答助理模型訓練"
        form.domains = [.finance]
        form.importance = """
            需解決的問題：金融業第一線人員每日需查詢大量主管機關函令與內部規章，人工檢索耗時且易有遺漏。\
            本專案以繁體中文金融法規語料微調 TAIDE 模型，使其能正確引用條文回答法遵問題。\
            選用 TAIDE 的原因：其以臺灣在地語料訓練，對繁體中文及本地法規用語理解較佳，且授權允許商業應用。
            """
        form.industryApplication = """
            模型完成後可延伸至保險理賠審核、證券開戶審查與銀行洗錢防制等情境，\
            並可作為金融業 AI 助理服務的基礎，協助中小型金融機構以較低成本導入生成式 AI。
            """
        form.expectedBenefits = """
            預計產出金融法規問答模型 2 項，並導入客服知識庫、法遵檢核及教育訓練 3 項應用，\
            縮短第一線人員查詢法規時間約 50%，降低法遵作業疏失。
            """
        form.expectedModels = 2
        form.expectedApplications = 3
        form.training = TrainingPlan(
            environments: [.container, .validation],
            container: ContainerModel(
                modelName: "fin-taide-8b-chat", version: "v0.3",
                downloadURL: "https://huggingface.co/example-fintech/fin-taide-8b-chat",
                baseModel: "Llama-3.1-TAIDE-LX-8B-Chat"),
            validationModels: ["taide"],
            dataset: TrainingDataset(
                textTokens: 1_200_000_000,
                description: "金融監督管理委員會公開函令、銀行公會自律規範及本公司整理之金融詢問題目與標準答案，"
                    + "共約 12 億 tokens，均為公開資料或已取得授權。"))
        form.bonusClaims = [
            BonusClaim(.fieldSiteMOU, evidence: "https://files.example.com.tw/mou/fin-taide-mou.pdf"),
            BonusClaim(.openModel, evidence: "https://huggingface.co/example-fintech/fin-taide-8b-chat"),
            BonusClaim(.registration(.aiTechnicalService), evidence: "AI-113-0042"),
            BonusClaim(.registration(.informationSecurity), evidence: ""),
        ]
    }

    private static func fillInference(_ form: inout ApplicationForm) {
        form.title = "製造業設備維修語音紀錄摘要服務"
        form.domains = [.manufacturing, .other]
        form.otherDomain = "設備維修服務"
        form.importance = """
            需解決的問題：中小型工廠的維修技師多以口述方式交接，維修紀錄不完整，造成重複故障與知識流失。\
            本服務以 Whisper 將維修語音轉為文字，再由 TAIDE 產生結構化維修摘要。\
            選用模型的原因：兩者皆為平台提供之開源模型，對中文與臺灣口音辨識良好，可降低導入成本。
            """
        form.industryApplication = """
            先於金屬加工與塑膠射出業者推廣，再延伸至半導體設備維護、物業管理與車輛保修等需要口述交接的產業，\
            並提供 API 供既有 MES 系統串接。
            """
        form.expectedBenefits = """
            產出維修語音摘要及故障知識庫查詢 2 項應用，預計使維修紀錄完整率由 40% 提升至 90%，\
            平均交接時間縮短 30%。
            """
        form.expectedApplications = 2
        form.inference = InferencePlan(
            models: ["taide", "whisper"],
            scenario: """
                技師於維修完成後以手機錄製 1 至 3 分鐘口述說明，系統即時轉寫並產生包含故障現象、原因、處置與\
                更換零件的摘要，經技師確認後寫入工廠維修系統；主管可依機台查詢歷次維修摘要。
                """)
        form.bonusClaims = [
            BonusClaim(.productisationMaterial, evidence: "https://files.example.com.tw/intro/repair-summary.pdf"),
            BonusClaim(.openCode, evidence: "https://github.com/example-maintenance/repair-summary-client"),
            BonusClaim(.registration(.informationService), evidence: "資服-112-0188"),
        ]
        form.productisation = ProductisationPlan(
            targetCustomers: "員工 200 人以下之金屬加工、塑膠射出及電子組裝工廠。",
            progress: "已於兩家合作工廠試行 3 個月，正整合客戶既有 MES 系統。",
            productForm: "手機 App 搭配雲端摘要服務，並提供 API。",
            pricingUnit: "依每月處理之錄音分鐘數計價，每月 1,000 分鐘新臺幣 8,000 元。")
    }
}
