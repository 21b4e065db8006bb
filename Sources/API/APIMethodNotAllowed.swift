import HTTPTypes
import Hummingbird
import Web

/// A method the document does not declare on an existing API path gets 405 with `Allow` (RFC 9110
/// §15.5.6), not the router's 404: the resource exists, the method does not. HEAD and OPTIONS are
/// left to the framework.
enum APIMethodNotAllowed {
    static let methods: [HTTPRequest.Method] = [.get, .put, .post, .delete, .patch, .trace, .init("QUERY")!]

    static let problem = APIProblem(code: "method_not_allowed", zh: "此資源不支援這個 HTTP 方法。",
                                    en: "This resource does not support this HTTP method.")

    /// Call after the operations are registered: it reads their paths and methods from the router.
    static func register(on router: Router<AppRequestContext>) {
        let operations = router.routes.filter { "\($0.path)".hasPrefix(JSONAPI.basePath + "/") }
        for routes in Dictionary(grouping: operations, by: { "\($0.path)" }).values {
            let declared = Set(routes.map(\.method))
            let allow = routes.map(\.method.rawValue).sorted().joined(separator: ", ")
            for method in methods where !declared.contains(method) {
                router.on(routes[0].path, method: method) { _, context -> Response in
                    var response = problem.response(status: .methodNotAllowed, language: context.language)
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
    }
}
