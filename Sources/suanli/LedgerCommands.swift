import App
import ArgumentParser
import Foundation
import Grants
import Ledger

extension LedgerCommand {
    /// Every account, or one project's, with its balance: what the operator reads before an adjustment.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List point accounts: project, kind, granted, balance, held, used and remaining points.")
        @OptionGroup var options: CommonOptions
        @Option(help: "Only this project (its reference, e.g. 115-I-0001, or its ID).") var project: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withSuanli(options) { suanli in
                let db = suanli.database.db
                let projects = try await suanli.services.grants.publishedProjects(on: db)
                var rows: [[String: Any]] = []
                for account in try await suanli.ledger.accounts(on: db) {
                    let record = projects.first { $0.id == account.projectID }
                    if let project, record?.reference != project, account.projectID.uuidString != project.uppercased() {
                        continue
                    }
                    rows.append([
                        "account": account.id.uuidString, "project": record?.reference ?? account.projectID.uuidString,
                        "kind": account.kind.rawValue, "status": account.status.rawValue,
                        "granted": account.granted.pointsText, "balance": account.balance.pointsText,
                        "held": account.held.pointsText, "used": account.used.pointsText,
                        "remaining": account.remaining.pointsText, "balanceTicks": account.balance.ticks,
                        "usedTicks": account.used.ticks, "heldTicks": account.held.ticks,
                        "tokensMetered": account.tokensMetered,
                    ])
                }
                if let project, rows.isEmpty { throw ValidationError("no point account for project \(project)") }
                if json {
                    let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    for row in rows {
                        print("\(row["project"]!)  \(row["kind"]!)  \(row["status"]!)  granted \(row["granted"]!)  "
                              + "remaining \(row["remaining"]!)  (balance \(row["balance"]!), held \(row["held"]!), "
                              + "used \(row["used"]!))")
                    }
                }
            }
        }
    }

    /// An operator's correction with a reason (audited; refused if it would make the balance negative).
    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or take off points, with a reason (audited).",
            discussion: "Points may have two decimals: --points -12.5. The balance never goes below zero.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The project's reference (e.g. 115-I-0001) or ID.") var project: String
        @Option(help: "Points to add (negative: take off), up to two decimals.") var points: String
        @Option(help: "Why (kept in the ledger and the audit log).") var reason: String

        func run() async throws {
            guard let amount = Self.amount(points) else {
                throw ValidationError("--points: '\(points)' is not an amount of points (e.g. 10, -2.5, 0.01)")
            }
            try await withSuanli(options) { suanli in
                let db = suanli.database.db
                let projects = try await suanli.services.grants.publishedProjects(on: db)
                guard let record = projects.first(where: { $0.reference == project || $0.id.uuidString == project.uppercased() }),
                      let account = try await suanli.ledger.account(project: record.id, on: db) else {
                    throw ValidationError("no point account for project \(project)")
                }
                let user = ProcessInfo.processInfo.environment["USER"] ?? "operator"
                let after = try await suanli.ledger.adjust(account: account.id, amount: amount, reason: reason,
                                                           by: LedgerActor(label: "cli:\(user)"), on: db)
                print("\(record.reference): \(amount.pointsText) points; balance now \(after.balance.pointsText)")
            }
        }

        /// "12", "-2.5", "0.01" → ticks (1 point = 1,800 ticks; a hundredth = 18).
        static func amount(_ text: String) -> LedgerAmount? {
            var text = Substring(text.trimmingCharacters(in: .whitespaces))
            let negative = text.hasPrefix("-")
            if negative || text.hasPrefix("+") { text = text.dropFirst() }
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), let points = Int(whole),
                  points <= 10_000_000 else { return nil }
            var hundredths = 0
            if parts.count == 2 {
                let fraction = parts[1]
                guard (1...2).contains(fraction.count), let value = Int(fraction), fraction.allSatisfy(\.isASCII) else {
                    return nil
                }
                hundredths = fraction.count == 1 ? value * 10 : value
            }
            let ticks = points * LedgerAmount.ticksPerPoint + hundredths * (LedgerAmount.ticksPerPoint / 100)
            return LedgerAmount(ticks: negative ? -ticks : ticks)
        }
    }
}
