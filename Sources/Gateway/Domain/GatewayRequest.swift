import Ledger

/// The three metered endpoints (issue 4, item 3).
public enum GatewayEndpoint: String, Sendable, CaseIterable {
    case chatCompletions = "/v1/chat/completions"
    case completions = "/v1/completions"
    case embeddings = "/v1/embeddings"

    public var capability: ModelCapability {
        switch self {
        case .chatCompletions, .completions: .chat
        case .embeddings: .embeddings
        }
    }

    /// The path on an upstream whose base URL ends in `/v1`.
    public var upstreamSuffix: String { String(rawValue.dropFirst(3)) }

    /// The member that carries the input, required by OpenAI's API.
    var inputMember: String {
        switch self {
        case .chatCompletions: "messages"
        case .completions: "prompt"
        case .embeddings: "input"
        }
    }
}

/// A metered request as admission reads it (README "Admission" and "Metering and rounding").
public struct GatewayRequest: Sendable {
    public let endpoint: GatewayEndpoint
    public let body: JSONTopLevel
    public let model: String
    public let stream: Bool
    public let clientWantsUsage: Bool
    /// `max_tokens` or `max_completion_tokens` as the client sent it.
    public let requestedMaxTokens: Int?

    /// Chat templates and special tokens add a little to the prompt; 256 tokens covers every template we
    /// serve (Gemma adds 3–5 per message, the longest tool preambles ~150).
    public static let templateAllowance = 256
    static let maxTokensCeiling = 100_000_000

    public init(endpoint: GatewayEndpoint, bytes: [UInt8]) throws(OpenAIFailure) {
        let body: JSONTopLevel
        do {
            body = try JSONTopLevel(bytes)
        } catch {
            throw .invalidRequest(error.message, zh: "請求內容須為單一 JSON 物件，且欄位不得重複。", code: "invalid_json")
        }
        guard let model = body.string("model"), !model.isEmpty else {
            throw .invalidRequest("You must provide a model parameter (a string; GET /v1/models lists them).",
                                  zh: "請提供 model 欄位（字串；可用模型見 GET /v1/models）。", param: "model")
        }
        guard let input = body.raw(endpoint.inputMember), !body.isNull(endpoint.inputMember) else {
            throw .invalidRequest("'\(endpoint.inputMember)' is a required property.",
                                  zh: "缺少必填欄位 \(endpoint.inputMember)。", param: endpoint.inputMember)
        }
        if endpoint == .chatCompletions, input.first != UInt8(ascii: "[") {
            throw .invalidRequest("'messages' must be an array of messages.", zh: "messages 須為訊息陣列。",
                                  param: "messages")
        }
        for member in ["n", "best_of"] where body.contains(member) && !body.isNull(member) {
            guard body.integer(member) == 1 else {
                throw .invalidRequest("'\(member)' must be 1: the gateway meters one choice per request; "
                                      + "send several requests for several choices.",
                                      zh: "\(member) 只能為 1：每個請求只計量一個回答，需要多個回答請分次送出。", param: member)
            }
        }
        var requested: Int?
        for member in ["max_tokens", "max_completion_tokens"] where body.contains(member) && !body.isNull(member) {
            guard let value = body.integer(member), value >= 1 else {
                throw .invalidRequest("'\(member)' must be a whole number of at least 1.",
                                      zh: "\(member) 須為大於等於 1 的整數。", param: member)
            }
            // Beyond any model's context: the same as "as many as the points pay" (and no overflow).
            requested = min(requested ?? value, value, Self.maxTokensCeiling)
        }
        var stream = false
        var wantsUsage = false
        if endpoint != .embeddings, body.contains("stream"), !body.isNull("stream") {
            guard let flag = body.bool("stream") else {
                throw .invalidRequest("'stream' must be true or false.", zh: "stream 須為 true 或 false。", param: "stream")
            }
            stream = flag
        }
        if stream, let options = body.raw("stream_options"), !body.isNull("stream_options") {
            guard let parsed = try? JSONTopLevel(Array(options)) else {
                throw .invalidRequest("'stream_options' must be an object.", zh: "stream_options 須為物件。",
                                      param: "stream_options")
            }
            wantsUsage = parsed.bool("include_usage") ?? false
        }
        self.endpoint = endpoint
        self.body = body
        self.model = model
        self.stream = stream
        self.clientWantsUsage = wantsUsage
        self.requestedMaxTokens = endpoint == .embeddings ? nil : requested
    }

    /// An upper bound of the prompt's tokens that needs no tokenizer: every token of a byte-level or
    /// byte-fallback tokenizer covers at least one byte of the text, and the JSON body holds every
    /// byte of the text (escapes only make it longer), so the body's size plus the template allowance
    /// can never be less than the prompt's tokens.
    public var promptBound: Int { body.bytes.count + Self.templateAllowance }

    /// What admission decided a request may generate.
    public struct Budget: Equatable, Sendable {
        /// `max_tokens` sent upstream (0 for embeddings).
        public var maxTokens: Int
        /// Whether that is less than the client asked for (or the default when it asked nothing).
        public var capped: Bool
        /// The worst case reserved: prompt bound + max_tokens, in ticks.
        public var reserve: LedgerAmount
        public var worstCaseTokens: Int
    }

    /// The budget within `available` points: the client's `max_tokens` (or `defaultMaxTokens`), capped
    /// to what `available` pays after the prompt's bound. Nil when not even the prompt and one
    /// generated token fit.
    public func budget(available: LedgerAmount, defaultMaxTokens: Int) -> Budget? {
        let affordable = InferenceMetering.affordableTokens(within: available)
        if endpoint == .embeddings {
            guard affordable >= promptBound else { return nil }
            return Budget(maxTokens: 0, capped: false, reserve: InferenceMetering.worstCase(tokens: promptBound),
                          worstCaseTokens: promptBound)
        }
        let wanted = requestedMaxTokens ?? defaultMaxTokens
        let room = affordable - promptBound
        guard room >= 1 else { return nil }
        let maxTokens = min(wanted, room)
        let worst = promptBound + maxTokens
        return Budget(maxTokens: maxTokens, capped: maxTokens < wanted,
                      reserve: InferenceMetering.worstCase(tokens: worst), worstCaseTokens: worst)
    }

    /// The budget before the points are consulted: the client's `max_tokens` or the default, uncapped
    /// (what rate limits count, and what admission tries to reserve first).
    public func uncappedBudget(defaultMaxTokens: Int) -> Budget {
        let maxTokens = endpoint == .embeddings ? 0 : (requestedMaxTokens ?? defaultMaxTokens)
        let worst = promptBound + maxTokens
        return Budget(maxTokens: maxTokens, capped: false, reserve: InferenceMetering.worstCase(tokens: worst),
                      worstCaseTokens: worst)
    }

    /// The least a request can reserve: its prompt bound and one generated token.
    public var minimumReserve: LedgerAmount {
        InferenceMetering.worstCase(tokens: promptBound + (endpoint == .embeddings ? 0 : 1))
    }

    /// The body sent upstream: the upstream's model name, the admitted `max_tokens`, and usage always
    /// requested on streams.
    public func upstreamBody(model upstreamModel: String, budget: Budget) -> [UInt8] {
        var add: [(key: String, json: String)] = [("model", JSONTopLevel.quoted(upstreamModel))]
        if endpoint != .embeddings { add.append(("max_tokens", String(budget.maxTokens))) }
        if stream { add.append(("stream_options", "{\"include_usage\":true}")) }
        return body.rewritten(dropping: ["model", "max_tokens", "max_completion_tokens", "stream_options"],
                              adding: add)
    }
}
