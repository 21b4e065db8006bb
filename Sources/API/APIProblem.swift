internal import Foundation
import HTTPTypes
import Hummingbird
import SuanliKit

/// A problem+json answer for the few request failures that `ErrorMiddleware` has no specific code
/// for (it maps `UserFacingError` input problems to 422, never 400). Same shape as its documents.
struct APIProblem: Sendable {
    var code: String
    var zh: String
    var en: String

    func response(status: HTTPResponse.Status, language: Language) -> Response {
        let problem = Components.Schemas.Problem(
            _type: "https://suanli.tw/problems/" + (code.split(separator: ".").first.map(String.init) ?? code),
            title: language == .en ? en : zh, status: status.code, code: code)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(problem)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
