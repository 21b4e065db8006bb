import Foundation
import Ledger
import PropertyBased
import Testing

@testable import Gateway

/// The request body as admission reads and rewrites it (issue 4, items 4 and 10): validated without
/// building a tree, rewritten by splicing, and every bad body refused with a message.
@Suite("Gateway request parsing")
struct RequestParsingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("members are found with their values; strings are decoded with escapes and surrogate pairs")
    func members() throws {
        let body = try JSONTopLevel(bytes(#" { "model" : "gemma-3-270m", "n": 1, "stream":true, "x": {"a":[1,2,{"b":null}]}, "s": "a\"b\\c\u00e9\ud83d\ude00" } "#))
        #expect(body.members.map(\.key) == ["model", "n", "stream", "x", "s"])
        #expect(body.string("model") == "gemma-3-270m")
        #expect(body.integer("n") == 1 && body.bool("stream") == true)
        #expect(body.string("s") == "a\"b\\cé😀")
        #expect(body.raw("x").map { String(decoding: $0, as: UTF8.self) } == #"{"a":[1,2,{"b":null}]}"#)
    }

    @Test("malformed, non-object, too deep and duplicate-key bodies are refused",
          arguments: [
            ("", JSONTopLevel.Failure.notAnObject), ("[1]", .notAnObject), ("\"x\"", .notAnObject),
            ("{", .malformed(offset: 1)), ("{\"a\":}", .malformed(offset: 5)), ("{\"a\":1,}", .malformed(offset: 7)),
            ("{\"a\":01}", .malformed(offset: 6)), ("{\"a\":1} x", .malformed(offset: 8)),
            ("{\"a\":\"\u{01}\"}", .malformed(offset: 6)), ("{\"a\":tru}", .malformed(offset: 5)),
            ("{\"a\":1,\"a\":2}", .duplicateKey("a")),
            ("{\"a\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}", .tooDeep),
          ])
    func refused(body: String, failure: JSONTopLevel.Failure) {
        #expect(throws: failure) { try JSONTopLevel(bytes(body)) }
    }

    @Test("a rewrite keeps other members byte for byte and is valid JSON that Foundation reads back")
    func rewrite() throws {
        let body = try JSONTopLevel(bytes(#"{"model":"x","messages":[{"role":"user","content":"你好 \"q\""}],"max_tokens":99,"temperature":0.5}"#))
        let out = body.rewritten(dropping: ["model", "max_tokens"], adding: [("model", JSONTopLevel.quoted("up\"stream")),
                                                                           ("max_tokens", "7")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        #expect(object["model"] as? String == "up\"stream" && object["max_tokens"] as? Int == 7)
        #expect(object["temperature"] as? Double == 0.5)
        #expect(String(decoding: out, as: UTF8.self).contains(#"[{"role":"user","content":"你好 \"q\""}]"#))
    }

    @Test("any JSON object Foundation writes is accepted and its members read back", .timeLimit(.minutes(1)))
    func foundationObjects() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000).array(of: 0...6)) { numbers in
            var object: [String: Any] = [:]
            for (index, number) in numbers.enumerated() {
                object["k\(index)"] = index % 2 == 0 ? number : "v\(number)\u{00e9}\"\n"
            }
            let data = try! JSONSerialization.data(withJSONObject: object)
            let parsed = try? JSONTopLevel(Array(data))
            #expect(parsed?.members.count == numbers.count)
            for (index, number) in numbers.enumerated() {
                if index % 2 == 0 {
                    #expect(parsed?.integer("k\(index)") == number)
                } else {
                    #expect(parsed?.string("k\(index)") == "v\(number)\u{00e9}\"\n")
                }
            }
        }
    }

    @Test("a chat request: model, stream, include_usage and max_tokens are read; the upstream body is rewritten")
    func chatRequest() throws {
        let request = try GatewayRequest(endpoint: .chatCompletions, bytes: bytes(
            #"{"model":"gemma-3-270m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":false},"max_completion_tokens":50}"#))
        #expect(request.model == "gemma-3-270m" && request.stream && !request.clientWantsUsage)
        #expect(request.requestedMaxTokens == 50)
        let budget = try #require(request.budget(available: .points(1), defaultMaxTokens: 4096))
        #expect(budget.maxTokens == 50 && !budget.capped)
        let upstream = try JSONTopLevel(request.upstreamBody(model: "gemma-upstream", budget: budget))
        #expect(upstream.string("model") == "gemma-upstream" && upstream.integer("max_tokens") == 50)
        #expect(!upstream.contains("max_completion_tokens"))
        #expect(upstream.raw("stream_options").map { String(decoding: $0, as: UTF8.self) } == #"{"include_usage":true}"#)
    }

    @Test("max_tokens is capped to what the points pay after the prompt's bound; none fits → no budget")
    func budgetCapping() throws {
        let request = try GatewayRequest(endpoint: .chatCompletions, bytes: bytes(
            #"{"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":100000}"#))
        let prompt = request.promptBound
        #expect(prompt == request.body.bytes.count + GatewayRequest.templateAllowance)
        // 2 metered units pay 2,000 tokens: the prompt bound plus what is left.
        let budget = try #require(request.budget(available: .meteredUnits(2), defaultMaxTokens: 4096))
        #expect(budget.capped && budget.maxTokens == 2_000 - prompt)
        #expect(budget.reserve == .meteredUnits(2) && budget.worstCaseTokens == 2_000)
        // Less than the prompt's bound: refused.
        #expect(request.budget(available: .meteredUnits(0), defaultMaxTokens: 4096) == nil)
        // No max_tokens: the default, capped the same way.
        let open = try GatewayRequest(endpoint: .chatCompletions, bytes: bytes(#"{"model":"m","messages":[]}"#))
        #expect(open.budget(available: .points(10), defaultMaxTokens: 4096)?.maxTokens == 4096)
        #expect(open.budget(available: .points(10), defaultMaxTokens: 4096)?.capped == false)
    }

    @Test("bad requests are refused with OpenAI's 400 and the field named",
          arguments: [
            (GatewayEndpoint.chatCompletions, #"{"messages":[]}"#, "model"),
            (.chatCompletions, #"{"model":"m"}"#, "messages"),
            (.chatCompletions, #"{"model":"m","messages":"hi"}"#, "messages"),
            (.chatCompletions, #"{"model":"m","messages":[],"max_tokens":0}"#, "max_tokens"),
            (.chatCompletions, #"{"model":"m","messages":[],"max_tokens":1.5}"#, "max_tokens"),
            (.chatCompletions, #"{"model":"m","messages":[],"n":2}"#, "n"),
            (.chatCompletions, #"{"model":"m","messages":[],"stream":"yes"}"#, "stream"),
            (.completions, #"{"model":"m"}"#, "prompt"),
            (.embeddings, #"{"model":"m","input":null}"#, "input"),
          ])
    func badRequests(endpoint: GatewayEndpoint, body: String, param: String) {
        do {
            _ = try GatewayRequest(endpoint: endpoint, bytes: bytes(body))
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.status == 400 && error.param == param && !error.message.isEmpty)
        }
    }

    @Test("an error object is OpenAI's shape, with the Chinese message beside it")
    func errorObject() throws {
        let failure = OpenAIFailure.unknownModel("deep\"seek")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(failure.json)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["type"] as? String == "invalid_request_error" && error["code"] as? String == "model_not_found")
        #expect((error["message"] as? String)?.contains("deep\"seek") == true && error["param"] as? String == "model")
        #expect((error["message_zh"] as? String)?.contains("模型") == true)
    }
}
