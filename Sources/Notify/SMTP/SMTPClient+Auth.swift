import Foundation

extension SMTPClient {
    /// AUTH PLAIN when offered, else AUTH LOGIN (RFC 4954; LOGIN is the de-facto mechanism of
    /// older relays). The commands carrying secrets are never logged.
    func authenticate(
        _ connection: SMTPConnection,
        username: String,
        password: String,
        capabilities: SMTPCapabilities
    ) async throws {
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            let token = base64("\u{0}\(username)\u{0}\(password)")
            let reply = try await connection.command("AUTH PLAIN \(token)", stage: .auth)
            guard reply.code == 235 else { throw SMTPError.authenticationFailed(reply) }
        } else if mechanisms.contains("LOGIN") {
            let start = try await connection.command("AUTH LOGIN", stage: .auth)
            guard start.code == 334 else { throw SMTPError.authenticationFailed(start) }
            let user = try await connection.command(base64(username), stage: .auth)
            guard user.code == 334 else { throw SMTPError.authenticationFailed(user) }
            let done = try await connection.command(base64(password), stage: .auth)
            guard done.code == 235 else { throw SMTPError.authenticationFailed(done) }
        } else {
            throw SMTPError.authenticationNotOffered(mechanisms)
        }
    }

    private func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
