import Foundation
import PropertyBased
import Testing

@testable import Gateway

/// Metering as the bytes pass (issue 4, item 5): the usage the model server reports is found however
/// the stream is cut into chunks; the usage chunk is dropped for clients that did not ask for it.
@Suite("Gateway stream metering")
struct StreamMeteringTests {
    /// What llama-server sends for a streamed chat with include_usage (three tokens).
    static let llamaStream = [
        #"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk"}"#,
        #"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"你"}}],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk"}"#,
        #"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"好"}}],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk"}"#,
        #"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"！"}}],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk"}"#,
        #"data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk"}"#,
        #"data: {"choices":[],"created":1,"id":"c1","model":"g","object":"chat.completion.chunk","usage":{"completion_tokens":3,"prompt_tokens":12,"total_tokens":15}}"#,
        "data: [DONE]",
    ].map { $0 + "\n\n" }.joined()

    func meter(_ text: String, cuts: [Int], wantsUsage: Bool) -> (StreamMeter, String) {
        var meter = StreamMeter(clientWantsUsage: wantsUsage)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var start = 0
        for cut in (cuts.map { min($0, bytes.count) }.sorted() + [bytes.count]) where cut >= start {
            out += meter.feed(bytes[start..<cut])
            start = cut
        }
        out += meter.finish()
        return (meter, String(decoding: out, as: UTF8.self))
    }

    @Test("usage is read and the stream passes unchanged when the client asked for usage")
    func withUsage() {
        let (meter, out) = meter(Self.llamaStream, cuts: [], wantsUsage: true)
        #expect(meter.usage == TokenUsage(promptTokens: 12, completionTokens: 3))
        #expect(meter.completionPieces == 3 && meter.sawDone)
        #expect(out == Self.llamaStream)
    }

    @Test("without include_usage the usage-only chunk is dropped; everything else passes")
    func withoutUsage() {
        let (meter, out) = meter(Self.llamaStream, cuts: [], wantsUsage: false)
        #expect(meter.usage == TokenUsage(promptTokens: 12, completionTokens: 3))
        #expect(!out.contains("usage") && out.hasSuffix("data: [DONE]\n\n"))
        #expect(out.components(separatedBy: "\n\n").count == Self.llamaStream.components(separatedBy: "\n\n").count - 1)
    }

    @Test("a usage field on a content chunk is removed, the chunk kept (llama-server's /v1/completions)")
    func usageOnContentChunk() throws {
        let stream = #"data: {"choices":[{"text":"ok","index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":1}}"#
            + "\n\ndata: [DONE]\n\n"
        let (meter, out) = meter(stream, cuts: [], wantsUsage: false)
        #expect(meter.usage == TokenUsage(promptTokens: 4, completionTokens: 1) && meter.completionPieces == 1)
        let first = try #require(out.components(separatedBy: "\n\n").first)
        let object = try JSONSerialization.jsonObject(with: Data(first.dropFirst(6).utf8)) as? [String: Any]
        #expect(object?["usage"] == nil && object?["choices"] != nil)
    }

    @Test("however the bytes are cut into chunks, the same usage and the same output", .timeLimit(.minutes(1)))
    func anyChunking() async {
        let whole = meter(Self.llamaStream, cuts: [], wantsUsage: false).1
        await propertyCheck(count: 300, input: Gen.int(in: 0...Self.llamaStream.utf8.count).array(of: 0...12)) { cuts in
            let (meter, out) = self.meter(Self.llamaStream, cuts: cuts, wantsUsage: false)
            #expect(meter.usage == TokenUsage(promptTokens: 12, completionTokens: 3))
            #expect(out == whole)
        }
    }

    @Test("CRLF event boundaries are understood")
    func crlf() {
        let stream = Self.llamaStream.replacingOccurrences(of: "\n\n", with: "\r\n\r\n")
        let (meter, _) = meter(stream, cuts: [17, 400], wantsUsage: false)
        #expect(meter.usage?.completionTokens == 3 && meter.sawDone)
    }

    @Test("a stream cut before its usage chunk reports no usage (nothing to bill), but its pieces are counted")
    func cutShort() {
        let cut = Self.llamaStream.components(separatedBy: "\n\n").prefix(3).joined(separator: "\n\n") + "\n\n"
        let (meter, _) = meter(cut, cuts: [], wantsUsage: true)
        #expect(meter.usage == nil && meter.completionPieces == 2 && !meter.sawDone)
    }

    @Test("a non-streamed answer's usage is found however it is chunked; nested 'usage' keys are not it")
    func nonStreaming() async {
        let body = #"{"id":"c","choices":[{"message":{"role":"assistant","content":"{\"usage\": 1}"},"usage":{"prompt_tokens":99}}],"usage" : {"prompt_tokens":7,"completion_tokens":5,"total_tokens":12},"x":[1]}"#
        let bytes = Array(body.utf8)
        await propertyCheck(count: 300, input: Gen.int(in: 0...bytes.count).array(of: 0...8)) { cuts in
            var capture = UsageCapture()
            var start = 0
            for cut in cuts.sorted() + [bytes.count] where cut >= start {
                capture.consume(bytes[start..<cut])
                start = cut
            }
            #expect(capture.usage == TokenUsage(promptTokens: 7, completionTokens: 5))
        }
        var embeddings = UsageCapture()
        embeddings.consume(Array(#"{"data":[{"embedding":[0.1,0.2]}],"usage":{"prompt_tokens":3,"total_tokens":3}}"#.utf8))
        #expect(embeddings.usage == TokenUsage(promptTokens: 3, completionTokens: 0))
        var none = UsageCapture()
        none.consume(Array(#"{"usage":null,"error":"x"}"#.utf8))
        #expect(none.usage == nil)
        var negative = UsageCapture()
        negative.consume(Array(#"{"usage":{"prompt_tokens":-1,"completion_tokens":2}}"#.utf8))
        #expect(negative.usage == nil)
    }
}
