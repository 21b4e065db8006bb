import AsyncHTTPClient
import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Logging
import NIOCore

extension GatewayResponder {
    typealias Admitted = GatewayAdmitted

    func complete(_ endpoint: GatewayEndpoint, request incoming: Request, context: Context) async -> Response {
        let startedAt = runtime.clock.now()
        let requestID = GatewayAdmitted.newRequestID()
        do {
            // 1. The key and its project.
            let check: KeyCheck
            switch try await self.check(incoming) {
            case .success(let found): check = found
            case .failure(let failure): return Self.failure(failure, requestID: requestID)
            }
            let key = check.key!
            var request = incoming
            let bytes: [UInt8]
            do {
                bytes = Array(buffer: try await request.collectBody(upTo: runtime.settings.maxBodyBytes))
            } catch {
                return Self.failure(.bodyTooLarge(limit: runtime.settings.maxBodyBytes), requestID: requestID)
            }
            let parsed: GatewayRequest
            do {
                parsed = try GatewayRequest(endpoint: endpoint, bytes: bytes)
            } catch {
                return Self.failure(error, requestID: requestID)
            }
            let peer = context.remoteAddress?.ipAddress
            var log = GatewayAdmitted.logRow(id: requestID, key: key, endpoint: endpoint, request: parsed, peer: peer,
                                             startedAt: startedAt)
            func refuse(_ failure: OpenAIFailure, _ outcome: RequestOutcome) -> Response {
                log.outcome = outcome.rawValue
                log.status = failure.status
                log.duration_ms = GatewayAdmitted.milliseconds(since: startedAt, runtime.clock.now())
                runtime.leases.record(refusal: log)
                GatewayMetrics.outcome(outcome)
                return Self.failure(failure, requestID: requestID)
            }
            guard let account = check.account, account.isRunning(at: startedAt) else {
                let (message, zh) = Self.inactive(check.account, at: startedAt)
                return refuse(.projectInactive(message, zh: zh), .projectInactive)
            }

            // 2. The model.
            let model: CatalogueModel
            switch try await runtime.catalogue().lookup(parsed.model, for: endpoint.capability) {
            case .offered(let found): model = found
            case .refused(let reason): return refuse(.refusedModel(parsed.model, reason: reason.en, zh: reason.zh), .modelRefused)
            case .unknown: return Self.failure(.unknownModel(parsed.model), requestID: requestID)
            }
            guard key.policy.allows(model: model.id) else {
                return refuse(.modelNotAllowedForKey(model.id), .modelRefused)
            }

            // 3. The client's region.
            let forwarded = incoming.headers[values: HTTPField.Name("X-Forwarded-For")!]
            let (decision, client) = runtime.regionDecision(peer: peer, forwardedFor: forwarded)
            log.client_ip = client?.description ?? peer
            switch decision {
            case .allowed(let country):
                log.country = country
            case .denied(let country):
                log.country = country
                runtime.auditRegionBlock(key: key, country: country, address: log.client_ip)
                return refuse(.regionDenied(country), .regionDenied)
            case .unknownAddress:
                return refuse(.unknownAddress, .regionDenied)
            }

            // 4. Rate limits, on the request's worst case before any capping.
            let unbounded = parsed.uncappedBudget(defaultMaxTokens: runtime.settings.defaultMaxTokens)
            if case .limited(let kind, let retryAfter) = runtime.admitRate(key: key, tokens: unbounded.worstCaseTokens,
                                                                           at: startedAt) {
                let limit = (kind == .requests ? key.policy.requestsPerMinute : key.policy.tokensPerMinute) ?? 0
                return refuse(.rateLimited(kind, limit: limit, retryAfter: retryAfter), .rateLimited)
            }

            // 5. The points.
            let claimed: LeaseBook.Grant?
            do {
                claimed = try await runtime.leases.claim(account: account.id, want: unbounded.reserve,
                                                         minimum: parsed.minimumReserve)
            } catch {
                runtime.logger.error("gateway: leasing points failed", metadata: ["error": "\(error)"])
                runtime.settleRate(key: key, admittedAt: startedAt, reserved: unbounded.worstCaseTokens, used: 0)
                return Self.failure(.ledgerUnavailable, requestID: requestID)
            }
            guard var grant = claimed,
                  let budget = parsed.budget(available: LedgerAmount(ticks: grant.ticks),
                                             defaultMaxTokens: runtime.settings.defaultMaxTokens) else {
                if let claimed { runtime.leases.finish(claimed, usage: nil, log: nil) }
                runtime.settleRate(key: key, admittedAt: startedAt, reserved: unbounded.worstCaseTokens, used: 0)
                let remaining = runtime.leases.knownRemaining(account: account.id)
                return refuse(.insufficientPoints(remaining: (remaining ?? .zero).pointsText,
                                                  needed: parsed.minimumReserve.pointsText), .insufficientPoints)
            }
            runtime.leases.shrink(&grant, to: budget.reserve.ticks)
            log.max_tokens = budget.maxTokens
            let admitted = Admitted(id: requestID, endpoint: endpoint, request: parsed, model: model, key: key,
                                    budget: budget, grant: grant, rateTokens: unbounded.worstCaseTokens,
                                    startedAt: startedAt, log: log)
            GatewayMetrics.taskPath.increment()
            runtime.proxiedByTask.add(1, ordering: .relaxed)
            return await exchange(admitted)
        } catch {
            runtime.logger.error("gateway: admission failed", metadata: ["error": "\(error)", "request": "\(requestID)"])
            return Self.failure(.ledgerUnavailable, requestID: requestID)
        }
    }

    static func inactive(_ account: AccountSnapshot?, at instant: Date) -> (String, String) {
        guard let account else {
            return ("This key's project has no points account (it was not awarded inference points).",
                    "此金鑰的專案沒有點數帳戶（未核定推論點數）。")
        }
        let start = LedgerDay.key(for: account.termStart)
        let end = LedgerDay.key(for: account.termEnd.addingTimeInterval(-1))
        if account.status == .closed || instant >= account.termEnd {
            return ("This key's project term ended on \(end); its points have expired.",
                    "此金鑰所屬專案的使用期間已於 \(end) 結束，點數已失效。")
        }
        return ("This key's project term starts on \(start); requests are accepted from then.",
                "此金鑰所屬專案的使用期間自 \(start) 開始，屆時才受理請求。")
    }
}
