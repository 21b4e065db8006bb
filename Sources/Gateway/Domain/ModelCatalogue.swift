import SuanliKit

/// What an OpenAI-compatible endpoint a model serves.
public enum ModelCapability: String, Sendable, CaseIterable, Codable {
    /// `/v1/chat/completions` and `/v1/completions`.
    case chat
    /// `/v1/embeddings`.
    case embeddings
}

/// One model the gateway serves (SPEC C5.2, C5.3): the name clients send, who made it and where that
/// developer is (ISO 3166-1 alpha-2), what it can do, and the OpenAI-compatible servers that run it
/// (llama-server, vLLM, …; several for fail-over).
public struct CatalogueModel: Hashable, Sendable, Codable {
    public var id: String
    public var developer: String
    public var origin: String
    public var capabilities: Set<ModelCapability>
    /// Base URLs ending in `/v1`, e.g. `http://10.0.0.5:8000/v1`.
    public var upstreams: [String]
    /// The model name the upstream expects, when it differs from `id`.
    public var upstreamModel: String?
    public var enabled: Bool

    public init(id: String, developer: String, origin: String, capabilities: Set<ModelCapability>,
                upstreams: [String], upstreamModel: String? = nil, enabled: Bool = true) {
        self.id = id
        self.developer = developer
        self.origin = origin.uppercased()
        self.capabilities = capabilities
        self.upstreams = upstreams
        self.upstreamModel = upstreamModel
        self.enabled = enabled
    }
}

/// The operator's origin deny list (issue 4, item 4; SPEC C5.3): developer countries and model families
/// or developer names that are refused. It always includes the platform rule (`ChineseOrigin`: CN, HK,
/// MO and the Chinese model families, e.g. DeepSeek, Qwen); the operator can add to it, not remove from it.
public struct OriginDenyList: Hashable, Sendable, Codable {
    public private(set) var countries: Set<String>
    public private(set) var names: [String]

    public init(countries: Set<String> = [], names: [String] = []) {
        self.countries = Set(countries.map { $0.trimmingWhitespace().uppercased() }).union(ChineseOrigin.regions)
        self.names = names.map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
    }

    public static let platform = OriginDenyList()

    /// Why a model is refused, or nil when it may be served.
    public func refusal(of model: CatalogueModel) -> Bilingual? {
        if countries.contains(model.origin) {
            return Bilingual(
                zh: "模型「\(model.id)」的開發者（\(model.developer)）位於受限地區（\(model.origin)），依使用規範不提供。",
                en: "The model “\(model.id)” is from a developer (\(model.developer)) in a refused region (\(model.origin)); "
                    + "the platform rules do not allow it.")
        }
        for text in [model.id, model.developer, model.upstreamModel ?? ""] {
            if let family = ChineseOrigin.family(in: text, extra: names) {
                return Bilingual(
                    zh: "模型「\(model.id)」屬受限的模型家族或開發者（\(family)），依使用規範不提供。",
                    en: "The model “\(model.id)” belongs to a refused model family or developer (\(family)).")
            }
        }
        return nil
    }
}

/// The catalogue as admission reads it: a model is offered when it is enabled and not refused.
/// Refused models never appear in `/v1/models` and are answered as unknown-or-refused.
public struct ModelCatalogue: Hashable, Sendable {
    public private(set) var models: [CatalogueModel]
    public var denyList: OriginDenyList {
        didSet { decide() }
    }
    /// Each model's standing, worked out once per catalogue rather than on every request (the family
    /// match is a case-insensitive search of several names: too slow for the gateway's hot path).
    private var standing: [String: Standing] = [:]

    private enum Standing: Hashable, Sendable {
        case offered(CatalogueModel)
        case refused(Bilingual)
        case disabled
    }

    public init(models: [CatalogueModel], denyList: OriginDenyList = .platform) {
        self.models = models
        self.denyList = denyList
        decide()
    }

    private mutating func decide() {
        standing = [:]
        for model in models where standing[model.id] == nil {
            if !model.enabled {
                standing[model.id] = .disabled
            } else if let reason = denyList.refusal(of: model) {
                standing[model.id] = .refused(reason)
            } else {
                standing[model.id] = .offered(model)
            }
        }
    }

    public var offered: [CatalogueModel] {
        models.filter { if case .offered = standing[$0.id] { true } else { false } }
    }

    public enum Lookup: Equatable, Sendable {
        case offered(CatalogueModel)
        case refused(Bilingual)
        case unknown
    }

    public func lookup(_ id: String, for capability: ModelCapability) -> Lookup {
        switch standing[id] {
        case .offered(let model)?:
            guard model.capabilities.contains(capability), !model.upstreams.isEmpty else { return .unknown }
            return .offered(model)
        case .refused(let reason)?:
            return .refused(reason)
        case .disabled?, nil:
            return .unknown
        }
    }
}
