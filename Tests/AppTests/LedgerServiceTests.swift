import App
import FluentKit
import Foundation
import Gateway
import Ledger
import SQLKit
import SuanliKit
import Testing

/// The point ledger on a real database, SQLite and PostgreSQL (SPEC C1.5, C5.6; issue 4, item 1).
@Suite("Ledger service")
struct LedgerServiceTests {
    static let start = Date(timeIntervalSince1970: 1_788_220_800)  // 2026-09-01 08:00 Taipei
    static let termEnd = start.addingTimeInterval(91 * 86_400)

    struct World: Sendable {
        let suanli: Suanli
        let clock: ManualClock
        var ledger: LedgerService { suanli.ledger }
        var db: any Database { suanli.database.db }

        func open(points: Int = 10, kind: AccountKind = .inference, project: UUID = UUID()) async throws -> AccountSnapshot {
            try await ledger.openAccount(project: project, organisation: UUID(), kind: kind, grant: .points(points),
                                         termStart: LedgerServiceTests.start, termEnd: LedgerServiceTests.termEnd,
                                         reference: "award-\(project.uuidString.prefix(8))",
                                         by: LedgerActor(label: "ministry@moda.gov.tw"), on: db)
        }

        func usage(_ request: String, prompt: Int, completion: Int, model: String = "gemma-3-270m") -> UsageRecord {
            UsageRecord(request: request, model: model, promptTokens: prompt, completionTokens: completion, at: clock.now())
        }

        func entryCount(_ account: UUID) async throws -> Int {
            struct N: Decodable { var n: Int }
            return try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM ledger_entries WHERE account_id = \(bind: account)")
                .first(decoding: N.self)?.n ?? -1
        }

        func expectClean(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let report = try await ledger.verify(on: db)
            #expect(report.isClean, "\(report.problems)", sourceLocation: sourceLocation)
        }
    }

    static func with(overrides: [String: String] = [:], _ body: @Sendable (World) async throws -> Void) async throws {
        let clock = ManualClock(start.addingTimeInterval(3_600))
        try await TestApp.withSuanli(clock: clock, overrides: overrides) { suanli in
            try await body(World(suanli: suanli, clock: clock))
        }
    }

    @Test("an award opens one account; a request reserves, then settles exactly what it used")
    func reserveAndSettle() async throws {
        try await Self.with { w in
            let project = UUID()
            let account = try await w.open(points: 10, project: project)
            #expect(account.balance == .points(10) && account.granted == .points(10) && account.entryCount == 1)
            // Opening again returns the same account, with no second grant.
            #expect(try await w.open(points: 99, project: project) == account)

            let held = try await w.ledger.reserve(account: account.id, amount: InferenceMetering.worstCase(tokens: 2_500),
                                                  reference: "req-1", expiresAt: w.clock.now().addingTimeInterval(600), on: w.db)
            #expect(held.balance == .points(10) - .meteredUnits(3) && held.held == .meteredUnits(3))
            #expect(held.remaining == .points(10))
            let settled = try await w.ledger.settle(account: account.id, hold: "req-1",
                                                    usages: [w.usage("req-1", prompt: 1_200, completion: 301)], on: w.db)
            #expect(settled.charges == ["req-1": .meteredUnits(2)])
            #expect(settled.released == .meteredUnits(3))
            #expect(settled.account.balance == .points(10) - .meteredUnits(2))
            #expect(settled.account.held == .zero && settled.account.used == .meteredUnits(2))
            #expect(settled.account.tokensMetered == 1_501)
            let daily = try await w.ledger.daily(account: account.id, on: w.db)
            #expect(daily.count == 1 && daily[0].requests == 1 && daily[0].promptTokens == 1_200
                    && daily[0].completionTokens == 301 && daily[0].used == .meteredUnits(2) && daily[0].model == "gemma-3-270m")
            #expect(daily[0].day == "2026-09-01")
            try await w.expectClean()
        }
    }

    @Test("small requests carry their remainder: a hundred 10-token requests cost one unit")
    func carry() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 1)
            for index in 0..<100 {
                let reference = "small-\(index)"
                try await w.ledger.reserve(account: account.id, amount: InferenceMetering.worstCase(tokens: 10),
                                           reference: reference, expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
                try await w.ledger.settle(account: account.id, hold: reference,
                                          usages: [w.usage(reference, prompt: 6, completion: 4)], on: w.db)
            }
            let after = try #require(try await w.ledger.account(id: account.id, on: w.db))
            #expect(after.used == .meteredUnits(1) && after.tokensMetered == 1_000)
            #expect(after.balance == .points(1) - .meteredUnits(1))
            try await w.expectClean()
        }
    }

    @Test("a request is billed once, however often it is settled; a refused write leaves nothing behind")
    func idempotentAndAtomic() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 1)
            try await w.ledger.reserve(account: account.id, amount: .meteredUnits(5), reference: "req-1",
                                       expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            let usage = w.usage("req-1", prompt: 3_000, completion: 1_000)
            _ = try await w.ledger.settle(account: account.id, hold: "req-1", usages: [usage], on: w.db)
            let entries = try await w.entryCount(account.id)
            // Settling the same request again (a retry) succeeds and bills nothing.
            let retry = try await w.ledger.settle(account: account.id, hold: "req-1", usages: [usage], on: w.db)
            #expect(retry.charges.isEmpty && retry.alreadyBilled == ["req-1"] && retry.released == .zero)
            #expect(try await w.entryCount(account.id) == entries)
            // A new request against a settled hold is refused.
            await #expect(throws: LedgerError.noOpenReservation("req-1")) {
                try await w.ledger.settle(account: account.id, hold: "req-1",
                                          usages: [w.usage("req-9", prompt: 1, completion: 1)], on: w.db)
            }
            // Reusing a request ID for a new reservation is refused.
            await #expect(throws: LedgerError.duplicateReference(.reservation, "req-1")) {
                try await w.ledger.reserve(account: account.id, amount: .meteredUnits(1), reference: "req-1",
                                           expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            }
            // More than the balance: refused, and nothing was written.
            await #expect(throws: LedgerError.insufficientBalance(available: .meteredUnits(96), needed: .meteredUnits(97))) {
                try await w.ledger.reserve(account: account.id, amount: .meteredUnits(97), reference: "req-2",
                                           expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            }
            // Usage beyond its reservation is refused whole (the gateway reserves the worst case).
            try await w.ledger.reserve(account: account.id, amount: .meteredUnits(1), reference: "req-3",
                                       expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            await #expect(throws: LedgerError.self) {
                try await w.ledger.settle(account: account.id, hold: "req-3",
                                          usages: [w.usage("req-3", prompt: 5_000, completion: 0)], on: w.db)
            }
            #expect(try await w.entryCount(account.id) == entries + 1)
            let now = try #require(try await w.ledger.account(id: account.id, on: w.db))
            #expect(now.balance == .points(1) - .meteredUnits(5) && now.held == .meteredUnits(1))
            try await w.expectClean()
        }
    }

    @Test("a lease settles requests in batches and returns the rest when it closes")
    func leaseBatches() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 2)
            try await w.ledger.reserve(account: account.id, amount: .points(1), reference: "lease-a", holder: "instance-1",
                                       expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            let first = try await w.ledger.settle(
                account: account.id, hold: "lease-a",
                usages: [w.usage("q1", prompt: 900, completion: 100), w.usage("q2", prompt: 10, completion: 10)],
                release: .charged, batch: "1", on: w.db)
            #expect(first.charges == ["q1": .meteredUnits(1), "q2": .meteredUnits(1)])
            #expect(first.account.held == .points(1) - .meteredUnits(2))
            // A retried batch bills nothing twice.
            let retry = try await w.ledger.settle(account: account.id, hold: "lease-a",
                                                  usages: [w.usage("q2", prompt: 10, completion: 10)],
                                                  release: .charged, batch: "2", on: w.db)
            #expect(retry.charges.isEmpty && retry.alreadyBilled == ["q2"])
            let closed = try await w.ledger.settle(account: account.id, hold: "lease-a", usages: [], release: .all, on: w.db)
            #expect(closed.account.held == .zero && closed.account.balance == .points(2) - .meteredUnits(2))
            try await w.expectClean()
        }
    }

    @Test("holds nobody settled are given back after they expire (an instance died mid-request)")
    func recovery() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 1)
            try await w.ledger.reserve(account: account.id, amount: .meteredUnits(40), reference: "lost",
                                       expiresAt: w.clock.now().addingTimeInterval(300), on: w.db)
            #expect(try await w.ledger.recoverExpiredHolds(on: w.db) == 0)
            w.clock.advance(by: 301)
            #expect(try await w.ledger.recoverExpiredHolds(on: w.db) == 1)
            let after = try #require(try await w.ledger.account(id: account.id, on: w.db))
            #expect(after.balance == .points(1) && after.held == .zero)
            #expect(try await w.ledger.recoverExpiredHolds(on: w.db) == 0)
            try await w.expectClean()
        }
    }

    @Test("operator adjustments need a reason and are audited; term end expires the rest and closes the account")
    func adjustAndExpire() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 2)
            let operatorActor = LedgerActor(label: "operator@suanli.tw", sourceIP: "203.0.113.9")
            await #expect(throws: LedgerError.adjustmentNeedsReason) {
                try await w.ledger.adjust(account: account.id, amount: .points(1), reason: "  ", by: operatorActor, on: w.db)
            }
            await #expect(throws: LedgerError.insufficientBalance(available: .points(2), needed: .points(3))) {
                try await w.ledger.adjust(account: account.id, amount: -.points(3), reason: "扣回", by: operatorActor, on: w.db)
            }
            let adjusted = try await w.ledger.adjust(account: account.id, amount: .points(1), reason: "補發：閘道故障期間誤扣",
                                                     by: operatorActor, on: w.db)
            #expect(adjusted.balance == .points(3))
            try await w.ledger.reserve(account: account.id, amount: .meteredUnits(10), reference: "running",
                                       expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            let closed = try await w.ledger.expire(account: account.id, on: w.db)
            #expect(closed.status == .closed && closed.balance == .zero && closed.held == .zero)
            #expect(try await w.ledger.expire(account: account.id, on: w.db) == closed)
            await #expect(throws: LedgerError.accountClosed) {
                try await w.ledger.reserve(account: account.id, amount: .meteredUnits(1), reference: "late",
                                           expiresAt: w.clock.now().addingTimeInterval(60), on: w.db)
            }
            let audit = try await w.suanli.services.audit.verify(on: w.db)
            #expect(audit.isIntact)
            try await w.expectClean()
        }
    }

    @Test("the maintenance run expires only accounts whose term has ended, once")
    func expireEndedTerms() async throws {
        try await Self.with { w in
            let running = try await w.open(points: 1)
            let ending = try await w.ledger.openAccount(
                project: UUID(), organisation: UUID(), kind: .inference, grant: .points(1),
                termStart: LedgerServiceTests.start, termEnd: w.clock.now().addingTimeInterval(60), reference: "short",
                by: .system, on: w.db)
            #expect(try await w.ledger.expireEndedTerms(on: w.db) == 0)
            w.clock.advance(by: 61)
            #expect(try await w.ledger.expireEndedTerms(on: w.db) == 1)
            #expect(try await w.ledger.expireEndedTerms(on: w.db) == 0)
            #expect(try await w.ledger.account(id: ending.id, on: w.db)?.status == .closed)
            #expect(try await w.ledger.account(id: running.id, on: w.db)?.status == .open)
            try await w.expectClean()
        }
    }

    @Test("verify reports a balance changed behind the ledger's back")
    func verifyFindsTampering() async throws {
        try await Self.with { w in
            let account = try await w.open(points: 1)
            try await w.expectClean()
            try await (w.db as! any SQLDatabase).raw(
                "UPDATE ledger_accounts SET balance_ticks = balance_ticks + 1800 WHERE id = \(bind: account.id)").run()
            let report = try await w.ledger.verify(on: w.db)
            #expect(report.problems.count == 1)
            #expect(report.problems.first?.contains("balance is 3600 but the entries give 1800") == true)
        }
    }

    /// Two instances sharing one database (two connection pools), 200 concurrent reservations against a
    /// balance that pays for 20: exactly 20 are admitted and the balance never goes below zero.
    @Test("concurrent reservations from two instances never overspend")
    func concurrentReservations() async throws {
        let config = try await TestApp.config(overrides: ["database.pool.size": "4", "database.pool.timeout.seconds": "120"])
        let clock = ManualClock(Self.start.addingTimeInterval(3_600))
        let first = try await Suanli.boot(config: config, clock: clock)
        let second = try await Suanli.boot(config: config, clock: clock, migrate: false)
        do {
            let w = World(suanli: first, clock: clock)
            let account = try await w.open(points: 20)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    let instance = index % 2 == 0 ? first : second
                    group.addTask {
                        do {
                            try await instance.ledger.reserve(account: account.id, amount: .points(1), reference: "c-\(index)",
                                                              expiresAt: clock.now().addingTimeInterval(60),
                                                              on: instance.database.db)
                            return true
                        } catch LedgerError.insufficientBalance {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 20)
            let after = try #require(try await w.ledger.account(id: account.id, on: w.db))
            #expect(after.balance == .zero && after.held == .points(20))
            try await w.expectClean()
        } catch {
            await second.database.shutdown()
            await first.database.shutdown()
            throw error
        }
        await second.database.shutdown()
        await first.database.shutdown()
    }

    @Test("two gateway instances leasing one balance: every claim is paid for, nothing is overspent or lost")
    func leasesAcrossInstances() async throws {
        let config = try await TestApp.config(overrides: ["database.pool.size": "4", "database.pool.timeout.seconds": "120"])
        let clock = ManualClock(Self.start.addingTimeInterval(3_600))
        let first = try await Suanli.boot(config: config, clock: clock)
        let second = try await Suanli.boot(config: config, clock: clock, migrate: false)
        do {
            let w = World(suanli: first, clock: clock)
            let account = try await w.open(points: 1)  // 100 metered units
            let books = [first, second].enumerated().map { index, suanli in
                LeaseBook(ledger: suanli.ledger, instance: "instance-\(index)",
                          database: { suanli.database.db }, logger: suanli.logger)
            }
            // 300 requests of 1 unit's worst case, using 600 tokens each: at most 100 can be paid for
            // (the carry rule charges 600 × n tokens → ⌈0.6 n⌉ units, so up to 166 could run if claims were
            // not bounded by worst cases; they are).
            let served = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<300 {
                    let book = books[index % 2]
                    group.addTask {
                        guard let grant = try await book.claim(account: account.id, want: .meteredUnits(1),
                                                               minimum: .meteredUnits(1)) else { return false }
                        let usage = UsageRecord(request: "r-\(index)", model: "m", promptTokens: 100, completionTokens: 500,
                                                at: clock.now())
                        book.finish(grant, usage: usage, log: GatewayRequestRow(
                            id: "r-\(index)", key_id: UUID(), project_id: account.projectID, organisation_id: UUID(),
                            endpoint: "/v1/chat/completions", model: "m", streamed: false, outcome: "completed", status: 200,
                            prompt_tokens: 100, completion_tokens: 500, reported_completion_tokens: 500, charged_ticks: 0,
                            max_tokens: 500, client_ip: nil, country: nil, upstream: nil, started_at: clock.now(),
                            duration_ms: 1))
                        if index % 25 == 0 { await book.flush() }
                        return true
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            for book in books { await book.drain() }
            let after = try #require(try await w.ledger.account(id: account.id, on: w.db))
            #expect(served >= 50 && served <= 100, "served \(served)")
            #expect(after.held == .zero && after.balance >= .zero)
            #expect(after.used == .meteredUnits((served * 600 + 999) / 1000), "the carry rule over every served request")
            #expect(after.balance + after.used == .points(1))
            let rows = try await (w.db as! any SQLDatabase).select().column("*").from(GatewayRequestRow.schema)
                .all(decoding: GatewayRequestRow.self)
            #expect(rows.count == served && Set(rows.map(\.id)).count == served)
            #expect(rows.reduce(0) { $0 + $1.charged_ticks } == after.used.ticks)
            try await w.expectClean()
        } catch {
            await second.database.shutdown()
            await first.database.shutdown()
            throw error
        }
        await second.database.shutdown()
        await first.database.shutdown()
    }
}
