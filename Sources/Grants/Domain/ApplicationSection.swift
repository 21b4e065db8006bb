import SuanliKit

/// The parts of an application an operator can ask the applicant to correct (SPEC C4.1 補正), named after
/// the headings of 附件1–3 so that a correction notice reads like the form. A correction opens some
/// sections; `ApplicationForm.changedSections(comparedTo:)` lets the service refuse edits elsewhere.
public enum ApplicationSection: String, Hashable, Sendable, CaseIterable, Codable {
    /// 專案主持人、專案聯絡人.
    case contacts
    /// 行業分類, 個資同意, 聲明及同意事項, 切結書.
    case declarations
    /// 專案主題, 推動使用產業領域別, and the difference from an earlier application (SPEC C1.2).
    case projectOverview
    /// Training: 使用模型及資源需求 (environment types and their models).
    case environment
    /// Inference: 使用模型需求.
    case models
    case importance
    case industryApplication
    /// Training: 訓練資料集.
    case dataset
    /// Inference: 應用情境說明 (SPEC C4.3).
    case scenario
    /// 預期效益, quantified benefits and the close-out agreement.
    case benefits
    case bonus
    case productisation
    case otherNeeds
    /// Uploaded files (SPEC C3.4); they live beside the form, so the form never reports them changed.
    case attachments

    public var label: Bilingual {
        switch self {
        case .contacts: Bilingual(zh: "專案主持人及聯絡人", en: "Project lead and contact")
        case .declarations: Bilingual(zh: "行業分類、個資同意、聲明及切結", en: "Industry class, consents and declarations")
        case .projectOverview: Bilingual(zh: "專案主題及產業領域", en: "Project title and industry domain")
        case .environment: Bilingual(zh: "使用模型及資源需求", en: "Models and resources")
        case .models: Bilingual(zh: "使用模型需求", en: "Models to use")
        case .importance: Bilingual(zh: "專案重要性", en: "Project importance")
        case .industryApplication: Bilingual(zh: "產業應用機會", en: "Industry application opportunities")
        case .dataset: Bilingual(zh: "訓練資料集", en: "Training dataset")
        case .scenario: Bilingual(zh: "應用情境說明", en: "Application scenario")
        case .benefits: Bilingual(zh: "預期效益", en: "Expected benefits")
        case .bonus: Bilingual(zh: "加分項目", en: "Bonus items")
        case .productisation: Bilingual(zh: "預計產品化階段說明", en: "Productisation plan")
        case .otherNeeds: Bilingual(zh: "其他需求", en: "Other needs")
        case .attachments: Bilingual(zh: "附件", en: "Attachments")
        }
    }

    /// The sections of a category's form, in the order of the form.
    public static func sections(for category: GrantCategory) -> [ApplicationSection] {
        switch category {
        case .training:
            [.contacts, .declarations, .projectOverview, .environment, .importance, .industryApplication, .dataset,
             .benefits, .bonus, .productisation, .otherNeeds, .attachments]
        case .inference:
            [.contacts, .declarations, .projectOverview, .models, .importance, .industryApplication, .scenario,
             .benefits, .bonus, .productisation, .otherNeeds, .attachments]
        }
    }
}

extension ApplicationForm {
    /// The sections whose content differs between the two forms. Consent times count: re-ticking a box is a
    /// new declaration. A change of category changes every section, since the forms are different forms.
    /// `previousApplication` is the service's, not the applicant's, so it is not compared.
    public func changedSections(comparedTo other: ApplicationForm) -> Set<ApplicationSection> {
        guard category == other.category else { return Set(ApplicationSection.allCases) }
        return Set(ApplicationSection.allCases.filter { !sameContent(as: other, in: $0) })
    }

    private func sameContent(as other: ApplicationForm, in section: ApplicationSection) -> Bool {
        switch section {
        case .contacts:
            return projectLead == other.projectLead && projectContact == other.projectContact
        case .declarations:
            let consents: [ApplicationConsent] = [
                .privacy, .statement, .affidavit, .notChineseCapital, .noGovernmentProjectBreach, .noSeriousViolation,
            ]
            return consents.allSatisfy { self[consent: $0] == other[consent: $0] }
                && industryCodes == other.industryCodes && industryCodesDeclared == other.industryCodesDeclared
        case .projectOverview:
            return title == other.title && domains == other.domains && otherDomain == other.otherDomain
                && differenceFromPrevious == other.differenceFromPrevious
        case .environment:
            return training?.environments == other.training?.environments
                && training?.container == other.training?.container
                && training?.noCodeModel == other.training?.noCodeModel
                && training?.validationModels == other.training?.validationModels
        case .models:
            return inference?.models == other.inference?.models
        case .importance:
            return importance == other.importance
        case .industryApplication:
            return industryApplication == other.industryApplication
        case .dataset:
            return training?.dataset == other.training?.dataset
        case .scenario:
            return inference?.scenario == other.inference?.scenario
        case .benefits:
            return expectedBenefits == other.expectedBenefits && expectedModels == other.expectedModels
                && expectedApplications == other.expectedApplications && closeOutAgreement == other.closeOutAgreement
        case .bonus:
            return Set(bonusClaims) == Set(other.bonusClaims)
        case .productisation:
            return productisation == other.productisation
        case .otherNeeds:
            return otherNeeds == other.otherNeeds
        case .attachments:
            return true
        }
    }
}
