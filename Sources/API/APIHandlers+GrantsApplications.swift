internal import Foundation
import Grants
import HTTPTypes
import Hummingbird
internal import OpenAPIRuntime
import SuanliKit

/// The applicant's side of an application (SPEC C1.1, C1.2, C3, C4.1), and reading one for anyone who
/// may see it.
extension APIHandlers {
    func listApplications(_ input: Operations.listApplications.Input) async throws
        -> Operations.listApplications.Output
    {
        let caller = try grantsCaller()
        let query = input.query
        var rules = SchemaRules()
        rules.length("round", query.round, max: 40)
        rules.length("q", query.q, max: 100)
        rules.range("page", query.page, 1...100_000)
        rules.range("perPage", query.perPage, 1...200)
        try rules.check()
        switch caller.role {
        case .applicant:
            let rows = try await grants.applications(of: caller, on: services.db)
            return .ok(.init(body: .json(.init(items: rows.map(Components.Schemas.ApplicationSummary.init),
                                               total: rows.count))))
        case .operator, .ministry:
            let filter = GrantsService.ApplicationFilter(
                status: query.status.flatMap { ApplicationStatus(rawValue: $0.rawValue) }, roundID: query.round,
                category: query.category.flatMap { GrantCategory(rawValue: $0.rawValue) }, search: query.q,
                page: query.page ?? 1, perPage: query.perPage ?? 50)
            let (rows, total) = try await grants.filedApplications(filter, by: caller, on: services.db)
            return .ok(.init(body: .json(.init(items: rows.map(Components.Schemas.ApplicationSummary.init),
                                               total: total))))
        default:
            throw GrantsFailure.forbidden
        }
    }

    func createApplication(_ input: Operations.createApplication.Input) async throws
        -> Operations.createApplication.Output
    {
        let caller = try grantsCaller()
        guard case .json(let body) = input.body, let category = GrantCategory(rawValue: body.category.rawValue) else {
            throw GrantsFailure.notFound
        }
        let record = try await grants.startApplication(category: category, by: caller, on: services.db)
        return .created(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func getApplication(_ input: Operations.getApplication.Input) async throws -> Operations.getApplication.Output {
        let caller = try grantsCaller()
        let record = try await grants.application(try Self.grantsID(input.path.id), for: caller, on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func saveApplicationForm(_ input: Operations.saveApplicationForm.Input) async throws
        -> Operations.saveApplicationForm.Output
    {
        let caller = try grantsCaller()
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        var rules = SchemaRules()
        rules.items("fields", body.fields.additionalProperties.count, min: 0, max: 500)
        for (name, values) in body.fields.additionalProperties {
            rules.length("fields", name, max: 200)
            rules.items("fields.\(name)", values.count, min: 0, max: 100)
            for value in values { rules.length("fields.\(name)", value, max: 20_000) }
        }
        try rules.check()
        // The portal posts a whole page, where an absent field means an empty text or an unticked box; an
        // API client sends only what it changes, so the fields it leaves out keep their stored values.
        let current = try await grants.application(id, for: caller, on: services.db)
        let fields = current.form.fieldValues.merging(body.fields.additionalProperties) { _, sent in sent }
        let record = try await grants.saveForm(id, fields: fields, expectedVersion: body.version, by: caller,
                                               on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func submitApplication(_ input: Operations.submitApplication.Input) async throws
        -> Operations.submitApplication.Output
    {
        let caller = try grantsCaller()
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        let record = try await grants.submit(id, expectedVersion: body.version, by: caller, on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func resubmitApplication(_ input: Operations.resubmitApplication.Input) async throws
        -> Operations.resubmitApplication.Output
    {
        let caller = try grantsCaller()
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        let record = try await grants.resubmit(id, expectedVersion: body.version, by: caller, on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func withdrawApplication(_ input: Operations.withdrawApplication.Input) async throws
        -> Operations.withdrawApplication.Output
    {
        let caller = try grantsCaller()
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        try Self.checkReason(body.reason)
        let record = try await grants.withdraw(id, reason: body.reason, expectedVersion: body.version, by: caller,
                                               on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    // MARK: Attachments

    func uploadAttachment(_ input: Operations.uploadAttachment.Input) async throws
        -> Operations.uploadAttachment.Output
    {
        let caller = try grantsCaller()
        let id = try Self.grantsID(input.path.id)
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        var rules = SchemaRules()
        rules.length("fileName", input.query.fileName, min: 1, max: 255)
        try rules.check()
        guard case .binary(let body) = input.body,
              let purpose = AttachmentPurpose(rawValue: input.query.purpose.rawValue)
        else { throw GrantsFailure.notFound }
        // Read at most one byte over the limit: enough to know the file is too large without holding it.
        let limit = Int(grants.attachmentPolicy.maxFileBytes)
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk)
            if bytes.count > limit { throw Self.attachmentTooLarge(limit: limit) }
        }
        let stored = try await grants.addAttachment(
            id, purpose: purpose, file: IncomingFile(fileName: input.query.fileName, contentType: nil, bytes: bytes),
            by: caller, on: services.db)
        return .created(.init(body: .json(.init(stored))))
    }

    static func attachmentTooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, message: "The file is larger than \(limit / 1_048_576) MiB.")
    }

    func downloadAttachment(_ input: Operations.downloadAttachment.Input) async throws
        -> Operations.downloadAttachment.Output
    {
        let caller = try grantsCaller()
        let (stored, bytes) = try await grants.attachmentContent(try Self.grantsID(input.path.id), for: caller,
                                                                 on: services.db)
        let ascii = String(stored.fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0.value >= 0x20
            ? Character($0) : "_" })
        let encoded = stored.fileName.addingPercentEncoding(withAllowedCharacters: Self.rfc5987) ?? ascii
        return .ok(.init(headers: .init(Content_hyphen_Disposition:
                                            "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"),
                         body: .binary(HTTPBody(bytes))))
    }

    /// RFC 5987 `attr-char`s, ASCII only (`CharacterSet.alphanumerics` would keep CJK letters).
    static let rfc5987 = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    /// The full view of an application. The eligibility report is for programme staff only.
    func applicationView(_ record: ApplicationRecord, for caller: GrantsCaller) async throws
        -> Components.Schemas.Application
    {
        let files = try await grants.attachments(of: record.id, for: caller, on: services.db)
        let staff: Set<GrantsRole> = [.operator, .ministry]
        return Components.Schemas.Application(record, attachments: files,
                                              showEligibility: staff.contains(caller.role),
                                              actions: record.progress.availableActions(for: caller.role))
    }
}
