/// Token counts as a model server reports them in an OpenAI `usage` object.
public struct TokenUsage: Hashable, Sendable {
    public var promptTokens: Int
    public var completionTokens: Int

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    public var total: Int { promptTokens + completionTokens }

    /// Reads `{"prompt_tokens": …, "completion_tokens": …}` (embeddings report no completion tokens).
    /// Nil when it is not an object or a count is missing, negative or not a whole number.
    public static func parse(_ object: ArraySlice<UInt8>) -> TokenUsage? {
        guard let usage = try? JSONTopLevel(Array(object)),
              let prompt = usage.integer("prompt_tokens"), prompt >= 0 else { return nil }
        let completion: Int
        if usage.contains("completion_tokens") {
            guard let value = usage.integer("completion_tokens"), value >= 0 else { return nil }
            completion = value
        } else {
            completion = 0
        }
        return TokenUsage(promptTokens: prompt, completionTokens: completion)
    }
}

/// Finds the top-level `usage` member of a JSON object while the bytes stream past, keeping only
/// that member's bytes — so a non-streaming response (an embeddings batch can be megabytes) is
/// forwarded as it arrives and still metered (issue 4, item 3: never collect beyond what metering
/// needs). Malformed JSON simply yields no usage: the gateway does not judge the model server's
/// syntax, it bills what the server reports.
public struct UsageCapture: Sendable {
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Inside the top-level object, the next string is a key.
    private var expectingKey = false
    private var readingKey = false
    private var key: [UInt8] = []
    private var lastKeyWasUsage = false
    private var capturing = false
    private var captureDepth = 0
    private var captured: [UInt8] = []
    private var finished = false
    public private(set) var usage: TokenUsage?

    private static let usageKey = Array("usage".utf8)

    public init() {}

    public mutating func consume(_ chunk: some Sequence<UInt8>) {
        for byte in chunk { consume(byte) }
    }

    private mutating func consume(_ byte: UInt8) {
        if capturing { captured.append(byte) }
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                if readingKey {
                    readingKey = false
                    lastKeyWasUsage = key == Self.usageKey
                }
            } else if readingKey, key.count <= 8 {
                key.append(byte)
            }
            if capturing, !inString, captureDepth == depth { finishCapture(droppingLast: false) }
            return
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
            if depth == 1, expectingKey {
                readingKey = true
                expectingKey = false
                key.removeAll(keepingCapacity: true)
            } else if depth == 1, lastKeyWasUsage, !capturing {
                startCapture(with: byte)  // a string where an object belongs: captured, then refused by parse
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if depth == 1, lastKeyWasUsage, !capturing { startCapture(with: byte) }
            depth += 1
            if depth == 1 { expectingKey = true }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if capturing, depth == captureDepth { finishCapture(droppingLast: false) }
            if capturing, depth < captureDepth { finishCapture(droppingLast: true) }  // `"usage": 5}`
        case UInt8(ascii: ","):
            if capturing, depth == captureDepth { finishCapture(droppingLast: true) }
            if depth == 1 { expectingKey = true; lastKeyWasUsage = false }
        default:
            // A scalar value (`null`, a number) for usage: captured until the next `,` or `}`.
            if depth == 1, lastKeyWasUsage, !capturing, byte > 0x20, byte != UInt8(ascii: ":") {
                startCapture(with: byte)
            }
        }
    }

    private mutating func startCapture(with byte: UInt8) {
        capturing = true
        captureDepth = 1
        captured = [byte]
    }

    private mutating func finishCapture(droppingLast: Bool) {
        capturing = false
        lastKeyWasUsage = false
        if droppingLast { captured.removeLast() }
        if let parsed = TokenUsage.parse(captured[...]) { usage = parsed }
        captured = []
    }
}
