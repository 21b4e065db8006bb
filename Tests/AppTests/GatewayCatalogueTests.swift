import App
import FluentKit
import Foundation
import Gateway
import SuanliKit
import Testing

/// The inference catalogue on a real database (SPEC C5.3; issue 4, items 4 and 7).
@Suite("Gateway catalogue")
struct GatewayCatalogueTests {
    static let gemma = CatalogueModel(id: "gemma-3-270m", developer: "Google", origin: "US", capabilities: [.chat],
                                      upstreams: ["http://127.0.0.1:8081/v1", "http://127.0.0.1:8091/v1"])

    @Test("operators list models; refused and malformed ones are turned away and nothing is written")
    func listing() async throws {
        try await TestApp.withSuanli { suanli in
            let catalogue = suanli.gatewayCatalogue
            let db = suanli.database.db
            try await catalogue.upsert(Self.gemma, by: "operator@suanli.demo", on: db)
            var loaded = try await catalogue.catalogue(on: db)
            #expect(loaded.offered == [Self.gemma])

            let deepseek = CatalogueModel(id: "deepseek-r1", developer: "DeepSeek", origin: "CN", capabilities: [.chat],
                                          upstreams: ["http://127.0.0.1:8083/v1"])
            do {
                try await catalogue.upsert(deepseek, by: "operator@suanli.demo", on: db)
                Issue.record("a Chinese-origin model was listed")
            } catch let error as UserFacingError {
                #expect(error.fields.map(\.field) == ["origin"])
                #expect(error.fields.first?.zh.contains("受限地區") == true)
            }
            let broken = CatalogueModel(id: "bad name", developer: " ", origin: "USA", capabilities: [],
                                        upstreams: ["ftp://x/v1", "http://127.0.0.1:8081/v2"])
            do {
                try await catalogue.upsert(broken, by: "operator@suanli.demo", on: db)
                Issue.record("a malformed model was listed")
            } catch let error as UserFacingError {
                #expect(error.fields.map(\.field) == ["id", "developer", "origin", "capabilities", "upstreams"])
            }
            loaded = try await catalogue.catalogue(on: db)
            #expect(loaded.models == [Self.gemma])

            // Replacing an entry keeps one row.
            var moved = Self.gemma
            moved.upstreams = ["http://127.0.0.1:9000/v1"]
            try await catalogue.upsert(moved, by: "operator@suanli.demo", on: db)
            #expect(try await catalogue.catalogue(on: db).models == [moved])
            #expect(try await suanli.services.audit.verify(on: db).isIntact)
        }
    }

    @Test("a country or name the operator denies takes listed models out of the offer at once")
    func denyList() async throws {
        try await TestApp.withSuanli { suanli in
            let catalogue = suanli.gatewayCatalogue
            let db = suanli.database.db
            try await catalogue.upsert(Self.gemma, by: "operator@suanli.demo", on: db)
            await #expect(throws: UserFacingError.self) {
                try await catalogue.deny(country: "USA", reason: "x", by: "operator@suanli.demo", on: db)
            }
            await #expect(throws: UserFacingError.self) {
                try await catalogue.deny(name: "google", reason: "  ", by: "operator@suanli.demo", on: db)
            }
            #expect(try await catalogue.catalogue(on: db).offered == [Self.gemma])
            try await catalogue.deny(name: "Google", reason: "示範：停用此開發者", by: "operator@suanli.demo", on: db)
            try await catalogue.deny(name: "google", reason: "again", by: "operator@suanli.demo", on: db)  // no duplicate
            let loaded = try await catalogue.catalogue(on: db)
            #expect(loaded.offered.isEmpty && loaded.models.count == 1)
            #expect(loaded.denyList.names == ["google"])
            guard case .refused = loaded.lookup("gemma-3-270m", for: .chat) else {
                Issue.record("a denied developer's model was still offered")
                return
            }
        }
    }
}
