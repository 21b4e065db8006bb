/// Meters a streamed (server-sent events) completion as it passes through (issue 4, item 5).
///
/// The gateway always asks the model server for usage (`stream_options.include_usage`). Each complete
/// event is forwarded as soon as it has arrived; the usage the server reports is kept, and when the
/// client did not ask for usage the usage-only chunk (`"choices": []`) is dropped and a usage field on
/// a content chunk removed, so the client sees exactly what it asked for.
///
/// Cross-check: every chunk that carries generated text carries at least one token, so the number of
/// such chunks is a lower bound of the completion tokens; `completionPieces` lets the gateway notice a
/// server that under-reports (llama-server does with `n > 1`).
public struct StreamMeter: Sendable {
    public let clientWantsUsage: Bool
    public private(set) var usage: TokenUsage?
    /// Chunks that carried generated text (each at least one token).
    public private(set) var completionPieces = 0
    public private(set) var sawDone = false
    public private(set) var events = 0
    private var pending: [UInt8] = []

    /// Events larger than this are forwarded unexamined (a model server does not send them).
    public static let maxEventBytes = 4 << 20

    public init(clientWantsUsage: Bool) {
        self.clientWantsUsage = clientWantsUsage
    }

    /// Takes the next bytes from upstream and returns what to forward to the client now.
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [UInt8] {
        pending.append(contentsOf: chunk)
        var out: [UInt8] = []
        var start = 0
        var index = 0
        let bytes = pending
        while index < bytes.count {
            // An event ends at a blank line: "\n\n" or "\r\n\r\n".
            if bytes[index] == 0x0A {
                var end = -1
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    end = index + 2
                } else if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    end = index + 3
                }
                if end > 0 {
                    emit(bytes[start..<end], into: &out)
                    start = end
                    index = end
                    continue
                }
            }
            index += 1
        }
        if start > 0 { pending.removeFirst(start) }
        if pending.count > Self.maxEventBytes {
            out.append(contentsOf: pending)
            pending.removeAll()
        }
        return out
    }

    /// Whatever is left when the upstream ends (an unterminated last event), examined like the rest.
    public mutating func finish() -> [UInt8] {
        guard !pending.isEmpty else { return [] }
        var out: [UInt8] = []
        let rest = pending[...]
        pending = []
        emit(rest, into: &out)
        return out
    }

    private mutating func emit(_ event: ArraySlice<UInt8>, into out: inout [UInt8]) {
        events += 1
        guard let data = Self.dataPayload(event) else { out.append(contentsOf: event); return }
        if data.elementsEqual("[DONE]".utf8) {
            sawDone = true
            out.append(contentsOf: event)
            return
        }
        if Self.hasTextPiece(data) { completionPieces += 1 }
        guard Self.contains(data, Self.usageKey) else { out.append(contentsOf: event); return }
        guard let object = try? JSONTopLevel(Array(data)) else { out.append(contentsOf: event); return }
        if let raw = object.raw("usage"), let reported = TokenUsage.parse(raw) { usage = reported }
        if clientWantsUsage || object.isNull("usage") { out.append(contentsOf: event); return }
        if let choices = object.raw("choices"), Self.isEmptyArray(choices) { return }  // the usage-only chunk
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: object.rewritten(dropping: ["usage"], adding: []))
        out.append(contentsOf: "\n\n".utf8)
    }

    /// The event's data when it is one `data:` line (as OpenAI-compatible servers send them).
    static func dataPayload(_ event: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var line = event
        while let last = line.last, last == 0x0A || last == 0x0D { line = line.dropLast() }
        guard !line.contains(0x0A), line.starts(with: "data:".utf8) else { return nil }
        var data = line.dropFirst(5)
        if data.first == 0x20 { data = data.dropFirst() }
        return data
    }

    static let usageKey = Array("\"usage\"".utf8)
    static let contentKey = Array("\"content\":\"".utf8)
    static let textKey = Array("\"text\":\"".utf8)
    static let reasoningKey = Array("\"reasoning_content\":\"".utf8)

    /// Whether a chunk carries generated text: a non-empty `content`, `reasoning_content` or `text` string.
    static func hasTextPiece(_ data: ArraySlice<UInt8>) -> Bool {
        for key in [contentKey, textKey, reasoningKey] {
            var from = data.startIndex
            while let hit = firstIndex(of: key, in: data, from: from) {
                let after = hit + key.count
                if after < data.endIndex, data[after] != UInt8(ascii: "\"") { return true }
                from = after
            }
        }
        return false
    }

    static func contains(_ data: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: data, from: data.startIndex) != nil
    }

    static func firstIndex(of needle: [UInt8], in data: ArraySlice<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, data.endIndex - from >= needle.count else { return nil }
        var index = from
        let last = data.endIndex - needle.count
        while index <= last {
            if data[index] == first {
                var matched = true
                for offset in 1..<needle.count where data[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    static func isEmptyArray(_ raw: ArraySlice<UInt8>) -> Bool {
        raw.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }.elementsEqual("[]".utf8)
    }
}
