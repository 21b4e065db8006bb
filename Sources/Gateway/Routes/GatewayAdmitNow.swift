import Foundation
import HTTPTypes
import Ledger

extension GatewayRuntime {
    /// Admission without waiting, for the event-loop fast path (`GatewayFastPath`, issue 4 item 10).
    ///
    /// The same steps in the same order as `GatewayResponder.complete` (README "Admission"), but only
    /// from what this instance already has in memory: a fresh cached key check, the cached catalogue,
    /// and a slice of the project's points it already holds. It answers nil — having changed nothing —
    /// whenever a step would need the database or would refuse the request; the request then takes the
    /// ordinary path, which reads what is missing and gives every refusal its answer, log row, audit
    /// record and counter. So a request is admitted here only where the ordinary path would admit it
    /// too, with the same reservation, cap and log row.
    ///
    /// The points step runs before the rate step here (in memory both; the claim is given back when the
    /// rate window or the cap refuses), so that a nil never leaves a request counted in a rate window.
    func admitNow(endpoint: GatewayEndpoint, head: HTTPRequest, body: [UInt8], peer: String?) -> GatewayAdmitted? {
        let startedAt = clock.now()
        guard let header = head.headerFields[.authorization], header.count > 7,
              header.prefix(7).lowercased() == "bearer " else { return nil }
        let presented = header.dropFirst(7).drop { $0 == " " }
        guard !presented.isEmpty, let check = cachedCheck(presented: presented), let key = check.key,
              let account = check.account, account.isRunning(at: startedAt),
              let parsed = try? GatewayRequest(endpoint: endpoint, bytes: body),
              let catalogue = cachedCatalogue(),
              case .offered(let model) = catalogue.lookup(parsed.model, for: endpoint.capability),
              key.policy.allows(model: model.id) else { return nil }
        let forwarded = head.headerFields[values: HTTPField.Name("X-Forwarded-For")!]
        let (decision, client) = regionDecision(peer: peer, forwardedFor: forwarded)
        guard case .allowed(let country) = decision else { return nil }
        let unbounded = parsed.uncappedBudget(defaultMaxTokens: settings.defaultMaxTokens)
        guard var grant = leases.claimHeld(account: account.id, want: unbounded.reserve) else { return nil }
        guard let budget = parsed.budget(available: LedgerAmount(ticks: grant.ticks),
                                         defaultMaxTokens: settings.defaultMaxTokens),
              case .admitted = admitRate(key: key, tokens: unbounded.worstCaseTokens, at: startedAt) else {
            leases.finish(grant, usage: nil, log: nil)
            return nil
        }
        leases.shrink(&grant, to: budget.reserve.ticks)
        let id = GatewayAdmitted.newRequestID()
        var log = GatewayAdmitted.logRow(id: id, key: key, endpoint: endpoint, request: parsed, peer: peer,
                                         startedAt: startedAt)
        log.client_ip = client?.description ?? peer
        log.country = country
        log.max_tokens = budget.maxTokens
        return GatewayAdmitted(id: id, endpoint: endpoint, request: parsed, model: model, key: key, budget: budget,
                               grant: grant, rateTokens: unbounded.worstCaseTokens, startedAt: startedAt, log: log)
    }
}
