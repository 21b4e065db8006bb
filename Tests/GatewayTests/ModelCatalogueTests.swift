import Gateway
import SuanliKit
import Testing

/// The inference catalogue and its origin deny list (SPEC C5.3, C6.1; issue 4, item 4).
@Suite struct ModelCatalogueTests {
    static let gemma = CatalogueModel(id: "gemma-3-270m", developer: "Google", origin: "us", capabilities: [.chat],
                                      upstreams: ["http://127.0.0.1:8081/v1"])
    static let embed = CatalogueModel(id: "gemma-3-270m-embed", developer: "Google", origin: "US",
                                      capabilities: [.embeddings], upstreams: ["http://127.0.0.1:8082/v1"])
    static let deepseek = CatalogueModel(id: "deepseek-r1-distill-llama-8b", developer: "DeepSeek", origin: "CN",
                                         capabilities: [.chat], upstreams: ["http://127.0.0.1:8083/v1"])
    static let disguised = CatalogueModel(id: "house-model", developer: "Example Ltd", origin: "US", capabilities: [.chat],
                                          upstreams: ["http://127.0.0.1:8084/v1"], upstreamModel: "Qwen2.5-7B-Instruct")

    @Test func refusedModelsAreNeverOffered() {
        let catalogue = ModelCatalogue(models: [Self.gemma, Self.embed, Self.deepseek, Self.disguised])
        #expect(catalogue.offered.map(\.id) == ["gemma-3-270m", "gemma-3-270m-embed"])
        #expect(catalogue.lookup("gemma-3-270m", for: .chat) == .offered(Self.gemma))
        guard case .refused(let reason) = catalogue.lookup("deepseek-r1-distill-llama-8b", for: .chat) else {
            Issue.record("DeepSeek was not refused")
            return
        }
        #expect(reason.en.contains("refused region (CN)"))
        // A Chinese family behind another name is refused too.
        guard case .refused = catalogue.lookup("house-model", for: .chat) else {
            Issue.record("a Qwen upstream behind another name was not refused")
            return
        }
    }

    @Test func aModelIsOnlyOfferedForWhatItCanDo() {
        let catalogue = ModelCatalogue(models: [Self.gemma, Self.embed])
        #expect(catalogue.lookup("gemma-3-270m", for: .embeddings) == .unknown)
        #expect(catalogue.lookup("gemma-3-270m-embed", for: .embeddings) == .offered(Self.embed))
        #expect(catalogue.lookup("gpt-4o", for: .chat) == .unknown)
        var disabled = Self.gemma
        disabled.enabled = false
        #expect(ModelCatalogue(models: [disabled]).lookup("gemma-3-270m", for: .chat) == .unknown)
        var noServer = Self.gemma
        noServer.upstreams = []
        #expect(ModelCatalogue(models: [noServer]).lookup("gemma-3-270m", for: .chat) == .unknown)
    }

    @Test func theOperatorCanAddToTheDenyListButNotRemoveThePlatformRule() {
        let list = OriginDenyList(countries: ["ru", " KP "], names: ["Example Ltd", " "])
        #expect(list.countries == ["CN", "HK", "MO", "RU", "KP"])
        #expect(list.refusal(of: Self.disguised) != nil)
        var russian = Self.gemma
        russian.origin = "RU"
        #expect(list.refusal(of: russian) != nil && OriginDenyList.platform.refusal(of: russian) == nil)
        #expect(OriginDenyList(countries: []).countries == ChineseOrigin.regions)
        #expect(OriginDenyList.platform.refusal(of: Self.gemma) == nil)
        var hongKong = Self.gemma
        hongKong.origin = "hk"
        #expect(OriginDenyList.platform.refusal(of: CatalogueModel(
            id: "x", developer: "y", origin: hongKong.origin, capabilities: [.chat], upstreams: ["u"])) != nil)
    }
}
