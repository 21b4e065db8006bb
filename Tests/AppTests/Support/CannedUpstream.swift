import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// An OpenAI-compatible model server whose misbehaviour a test chooses: for what the real llama-server
/// (used by the e2e suite, tests-e2e/test_gateway_openai.py) cannot be made to do on demand — fail,
/// under-report its usage, ignore max_tokens, die mid-stream, stream slowly. It answers like
/// llama-server: one token per chunk, the usage chunk with `"choices": []` only when asked for.
final class CannedUpstream: Sendable {
    enum Behaviour: Sendable, Equatable {
        case normal
        /// 503 before anything (fail-over).
        case unavailable
        /// Reports one completion token fewer than it streams.
        case underReports
        /// Generates this many tokens whatever max_tokens says.
        case ignoresMaxTokens(Int)
        /// Streams half its tokens, then closes the connection without usage.
        case diesMidStream
        /// Waits this long between streamed chunks.
        case slow(milliseconds: Int)
    }

    static let promptTokens = 7
    let behaviour = Mutex(Behaviour.normal)
    let bodies = Mutex<[Data]>([])
    let finished = Mutex(0)
    let port: Int

    private init(port: Int) { self.port = port }

    var url: String { "http://127.0.0.1:\(port)/v1" }

    func set(_ next: Behaviour) { behaviour.withLock { $0 = next } }
    /// The bodies it received, as JSON objects.
    var received: [[String: Any]] {
        bodies.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: $0) as? [String: Any]) ?? [:] }
    }

    /// Runs `body` with a canned upstream listening on a free loopback port; stops it afterwards.
    static func with<Value: Sendable>(_ body: @Sendable (CannedUpstream) async throws -> Value) async throws -> Value {
        let holder = Mutex<CannedUpstream?>(nil)
        let router = Router()
        let answer: @Sendable (Request, String) async throws -> Response = { request, path in
            guard let upstream = holder.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await upstream.answer(request, path: path)
        }
        router.post("/v1/chat/completions") { request, _ in try await answer(request, "chat") }
        router.post("/v1/completions") { request, _ in try await answer(request, "completions") }
        router.post("/v1/embeddings") { request, _ in try await answer(request, "embeddings") }
        router.get("/v1/models") { _, _ in #"{"object":"list","data":[{"id":"canned","object":"model"}]}"# }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let upstream = CannedUpstream(port: client.port!)
            holder.withLock { $0 = upstream }
            return try await body(upstream)
        }
    }

    private func answer(_ incoming: Request, path: String) async throws -> Response {
        var request = incoming
        let data = Data(buffer: try await request.collectBody(upTo: 1 << 22))
        let json = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        bodies.withLock { $0.append(data) }
        let behaviour = self.behaviour.withLock { $0 }
        if behaviour == .unavailable { return Response(status: .serviceUnavailable) }
        if path == "embeddings" {
            return Self.json(#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,1.0]}],"#
                             + #""model":"canned","usage":{"prompt_tokens":5,"total_tokens":5}}"#)
        }
        var tokens = json["max_tokens"] as? Int ?? 16
        if case .ignoresMaxTokens(let count) = behaviour { tokens = count }
        let reported = behaviour == .underReports ? tokens - 1 : tokens
        let usage = #"{"completion_tokens":\#(reported),"prompt_tokens":\#(Self.promptTokens),"total_tokens":\#(reported + Self.promptTokens)}"#
        let stream = json["stream"] as? Bool ?? false
        guard stream else {
            let text = (0..<tokens).map { "t\($0)" }.joined(separator: " ")
            let body = path == "chat"
                ? #"{"id":"c","object":"chat.completion","model":"canned","choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":"\#(text)"}}],"usage":\#(usage)}"#
                : #"{"id":"c","object":"text_completion","model":"canned","choices":[{"index":0,"finish_reason":"length","text":"\#(text)"}],"usage":\#(usage)}"#
            finished.withLock { $0 += 1 }
            return Self.json(body)
        }
        let includeUsage = (json["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
        let count = tokens
        let body = ResponseBody { writer in
            let tokens = count
            let limit = behaviour == .diesMidStream ? tokens / 2 : tokens
            for index in 0..<limit {
                if case .slow(let milliseconds) = behaviour { try await Task.sleep(for: .milliseconds(milliseconds)) }
                let piece = path == "chat" ? #""delta":{"content":"t\#(index) "}"# : #""text":"t\#(index) ""#
                try await writer.write(ByteBuffer(string: #"data: {"id":"c","object":"chunk","choices":[{"index":0,\#(piece),"finish_reason":null}]}"# + "\n\n"))
            }
            if behaviour == .diesMidStream { throw CancellationError() }  // the connection drops
            try await writer.write(ByteBuffer(string: #"data: {"id":"c","object":"chunk","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"# + "\n\n"))
            if includeUsage {
                try await writer.write(ByteBuffer(string: #"data: {"id":"c","object":"chunk","choices":[],"usage":\#(usage)}"# + "\n\n"))
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            self.finished.withLock { $0 += 1 }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
