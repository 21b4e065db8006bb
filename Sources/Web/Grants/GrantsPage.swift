import Foundation
import Grants
import Identity
import SuanliKit

/// The view model of every grant page (`grants.mustache`): a heading, a status badge and a list of
/// blocks, each with facts, a table, a chart, forms or links.
struct GrantsPage: Sendable {
    var heading: String
    var back: LinkView?
    var badge: BadgeView?
    var intro: String?
    var blocks: [BlockView] = []
}

struct BadgeView: Sendable {
    var text: String
    /// "info", "ok", "warn", "bad" — colour plus the text itself, never colour alone.
    var tone: String
    var detail: String?
}

struct FactView: Sendable {
    var term: String
    var value: String
    var href: String?
}

struct CellView: Sendable {
    var text: String
    var href: String?
}

struct RowView: Sendable {
    var cells: [CellView]
    var tone: String?
}

struct TableView: Sendable {
    var caption: String
    var headers: [String]
    var rows: [RowView]
    var empty: String
    var columnCount: Int { headers.count }
}

struct BlockForm: Sendable {
    /// Named apart from the page's `heading`: Mustache looks a nil key up in the enclosing contexts,
    /// so a form without a heading would show the page's. (Mustache reads stored properties only.)
    var formHeading: String?
    var form: FormView

    init(heading: String? = nil, form: FormView) {
        formHeading = heading
        self.form = form
    }
}

struct BlockView: Sendable {
    /// Not `title`: the page's own `title` would show through a nil one (see `BlockForm`).
    var blockTitle: String?
    var title: String? {
        get { blockTitle }
        set { blockTitle = newValue }
    }
    var anchor: String?
    var warning: String?
    var paragraphs: [String] = []
    var facts: [FactView] = [] { didSet { hasFacts = !facts.isEmpty } }
    var hasFacts = false
    var list: [String] = [] { didSet { hasList = !list.isEmpty } }
    var hasList = false
    var table: TableView?
    var svg: String?
    var forms: [BlockForm] = []
    var links: [LinkView] = []

    init(title: String? = nil, anchor: String? = nil, warning: String? = nil, paragraphs: [String] = [],
         facts: [FactView] = [], list: [String] = [], table: TableView? = nil, svg: String? = nil,
         forms: [BlockForm] = [], links: [LinkView] = []) {
        self.blockTitle = title
        self.anchor = anchor
        self.warning = warning
        self.paragraphs = paragraphs
        self.facts = facts
        self.hasFacts = !facts.isEmpty
        self.list = list
        self.hasList = !list.isEmpty
        self.table = table
        self.svg = svg
        self.forms = forms
        self.links = links
    }
}

extension ApplicationStatus {
    var tone: String {
        switch self {
        case .awarded, .approved: "ok"
        case .correctionRequested, .lapsed: "warn"
        case .rejected, .ineligible, .withdrawn: "bad"
        default: "info"
        }
    }
}

extension AppRequestContext {
    /// Picks the text in the page's language (labels the domain does not already carry).
    func tr(_ zh: String, _ en: String) -> String { language == .en ? en : zh }
    func tr(_ text: Bilingual) -> String { text.text(language) }

    /// The signed-in user as Grants sees them. Vendors and buyers have no part in the grant programme.
    func grantsCaller() throws -> GrantsCaller {
        let user = try requireUser()
        let role: GrantsRole
        switch user.role {
        case .applicantAdmin, .applicantMember: role = .applicant
        case .operator: role = .operator
        case .reviewer: role = .reviewer
        case .ministry: role = .ministry
        case .vendor, .buyer: throw GrantsFailure.forbidden
        }
        return GrantsCaller(userID: user.id, role: role, organisationID: user.organisationID, label: user.email,
                            sourceIP: sourceIP, language: language)
    }

    func grantsCaller(_ roles: Set<GrantsRole>) throws -> GrantsCaller {
        let caller = try grantsCaller()
        guard roles.contains(caller.role) else { throw GrantsFailure.forbidden }
        return caller
    }

    func day(_ date: ROCDate?) -> String { date.map(display.day) ?? "—" }
    func time(_ date: Date?) -> String { date.map(display.instant) ?? "—" }
}
