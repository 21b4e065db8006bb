import SuanliKit

/// What a platform model does; the forms group the catalogue this way (附件2 B「大語言模型…；影像模型…；
/// 語音模型…」).
public enum PlatformModelKind: String, Hashable, Sendable, CaseIterable, Codable {
    case language
    case vision
    case speech

    public var label: Bilingual {
        switch self {
        case .language: Bilingual(zh: "大語言模型", en: "Language model")
        case .vision: Bilingual(zh: "影像模型", en: "Vision model")
        case .speech: Bilingual(zh: "語音模型", en: "Speech model")
        }
    }
}

/// One preset model the platform offers for no-code training, validation and inference (SPEC C5.3).
/// `origin` is the developer's country as an ISO 3166-1 alpha-2 code, which the Chinese-origin rule reads.
public struct PlatformModel: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var name: String
    public var developer: String
    public var origin: String
    public var kind: PlatformModelKind

    public init(id: String, name: String, developer: String, origin: String, kind: PlatformModelKind) {
        self.id = id
        self.name = name
        self.developer = developer
        self.origin = origin
        self.kind = kind
    }
}

/// The platform's model catalogue (SPEC C5.3). The organiser decides what is listed (附件2 B「主辦單位保有最終
/// 上架之模型決定權」), so the list is data; the rule that refuses Chinese-origin models is code, and it is
/// applied wherever a model is chosen or declared: here, in no-code training, and to the base model of an
/// uploaded container model (須知 使用規範: 禁止使用中國大陸廠牌之模型及工具).
public struct PlatformModelCatalogue: Hashable, Sendable, Codable {
    /// Everything listed, in display order — refused entries included, so the operator can see them flagged.
    public private(set) var models: [PlatformModel]

    public init(_ models: [PlatformModel]) {
        self.models = models
    }

    /// The models named in 附件2 B and 附件3, with their developers (SPEC C5.3).
    public static let standard = PlatformModelCatalogue([
        PlatformModel(id: "taide", name: "TAIDE", developer: "國家實驗研究院 TAIDE 計畫", origin: "TW", kind: .language),
        PlatformModel(id: "meta-llama", name: "Meta Llama", developer: "Meta Platforms", origin: "US", kind: .language),
        PlatformModel(id: "google-gemma", name: "Google Gemma", developer: "Google", origin: "US", kind: .language),
        PlatformModel(id: "openai-gpt-oss", name: "openai/gpt-oss", developer: "OpenAI", origin: "US", kind: .language),
        PlatformModel(id: "ffm", name: "福爾摩沙大模型 FFM", developer: "台智雲", origin: "TW", kind: .language),
        PlatformModel(id: "foxbrain", name: "FoxBrain", developer: "鴻海研究院", origin: "TW", kind: .language),
        PlatformModel(id: "yolo", name: "YOLO", developer: "Ultralytics", origin: "US", kind: .vision),
        PlatformModel(id: "taiwan-tongues-asr-ce", name: "Taiwan Tongues ASR CE", developer: "Taiwan Tongues",
                      origin: "TW", kind: .speech),
        PlatformModel(id: "whisper", name: "Whisper", developer: "OpenAI", origin: "US", kind: .speech),
    ])

    /// The models applicants may choose: listed and not refused.
    public var offered: [PlatformModel] { models.filter { Self.refusal(of: $0) == nil } }

    public func offered(_ kind: PlatformModelKind) -> [PlatformModel] { offered.filter { $0.kind == kind } }

    /// A listed model by id, refused or not; callers check `refusal(of:)` before accepting it.
    public func model(id: String) -> PlatformModel? { models.first { $0.id == id } }

    /// Problems the operator must fix in the list: duplicate ids, blank fields and refused models.
    /// Field names are `catalogue.<index>` so a settings page can point at the row.
    public var problems: [FieldError] {
        var problems: [FieldError] = []
        var seen: Set<String> = []
        for (index, model) in models.enumerated() {
            let field = "catalogue.\(index)"
            if [model.id, model.name, model.developer].contains(where: \.isBlankAfterTrimming) {
                problems.append(FieldError(field: field, zh: "模型代碼、名稱與開發者皆須填寫。",
                                           en: "Give the model's id, name and developer."))
            }
            if !seen.insert(model.id).inserted {
                problems.append(FieldError(field: field, zh: "模型代碼「\(model.id)」重複，請改用不同代碼。",
                                           en: "The model id “\(model.id)” is used twice; give each model its own id."))
            }
            if let reason = Self.refusal(of: model) {
                problems.append(FieldError(field: field, zh: reason.zh, en: reason.en))
            }
        }
        return problems
    }
}

// MARK: - The Chinese-origin rule (SPEC C5.3, C6.1)

extension PlatformModelCatalogue {
    /// The shared rule (`SuanliKit.ChineseOrigin`), under the names the forms' code uses.
    public static var refusedOrigins: Set<String> { ChineseOrigin.regions }

    public static func isChineseOrigin(countryCode: String) -> Bool { ChineseOrigin.isRefusedRegion(countryCode) }

    public static func chineseFamily(in name: String) -> String? { ChineseOrigin.family(in: name) }

    /// Why a catalogue model is refused, or nil when it may be offered.
    public static func refusal(of model: PlatformModel) -> Bilingual? {
        if isChineseOrigin(countryCode: model.origin) {
            return Bilingual(
                zh: "「\(model.name)」的開發者來自中國大陸、香港或澳門（\(model.origin)），依使用規範不得上架或使用。",
                en: "“\(model.name)” comes from a developer in mainland China, Hong Kong or Macau (\(model.origin)); "
                    + "the platform rules forbid listing or using it.")
        }
        let family = [model.id, model.name, model.developer].lazy.compactMap(chineseFamily(in:)).first
        if let family {
            return Bilingual(
                zh: "「\(model.name)」屬中國大陸廠牌模型（\(family)），依使用規範不得上架或使用。",
                en: "“\(model.name)” is a Chinese-origin model family (\(family)); the platform rules forbid it.")
        }
        return nil
    }
}
