import FluentKit
import Foundation
import Gateway
import Grants
import SuanliKit

/// The gateway's view of inference projects, from Grants (the composition root joins the contexts).
struct GrantsGatewayProjects: GatewayProjects {
    let grants: GrantsService

    func inferenceProject(_ id: UUID, organisation: UUID, on db: any Database) async throws -> GatewayProject? {
        let caller = GrantsCaller(userID: UUID(), role: .applicant, organisationID: organisation, label: "gateway",
                                  sourceIP: nil)
        let project: ProjectRecord
        do {
            project = try await grants.project(id, for: caller, on: db)
        } catch let error as UserFacingError where error.code == GrantsFailure.notFound.code {
            return nil  // unknown or another company's: the same answer (tenant isolation)
        }
        guard project.category == .inference else { return nil }
        return GatewayProject(id: project.id, organisationID: project.organisationID, reference: project.reference,
                              title: project.title)
    }
}
