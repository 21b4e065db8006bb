/// The rule against Chinese-origin models and tools (SPEC C5.3, C6.1; 須知 使用規範「禁止使用中國大陸廠牌之
/// 模型及工具」), written once for every context that lists, declares or serves a model: the grant forms
/// (Grants), the inference catalogue (Gateway) and uploaded models. Mainland China, Hong Kong and Macau are
/// treated alike, as the seeds do.
public enum ChineseOrigin {
    /// ISO 3166-1 alpha-2 codes whose developers' models are refused.
    public static let regions: Set<String> = ["CN", "HK", "MO"]

    public static func isRefusedRegion(_ countryCode: String) -> Bool {
        regions.contains(countryCode.trimmingWhitespace().uppercased())
    }

    /// Model families from Chinese developers, matched anywhere in a name. These are long or unusual
    /// enough that a match inside another word ("CodeQwen1.5", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    /// still means the family.
    public static let families: [String] = [
        "deepseek", "qwen", "qwq", "baichuan", "chatglm", "codegeex", "internlm", "internvl", "minimax",
        "moonshot", "hunyuan", "doubao", "skywork", "yuan2", "telechat",
        "深度求索", "通義", "通义", "千問", "千问", "百川", "智譜", "智谱", "文心", "月之暗面", "混元", "豆包",
    ]

    /// Short family names that are also parts of ordinary words ("Yi" in "Taiyi", "ernie" in "Bernie"),
    /// so they count only as a whole word or a word followed by a version: "Yi-34B", "GLM-4", "kimi-k2".
    public static let familyWords: [String] = ["yi", "01-ai", "01.ai", "glm", "kimi", "ernie", "zhipu"]

    /// The Chinese-origin family a model name, repository path or download link names, if any.
    /// Case-insensitive; "deepseek-ai/DeepSeek-R1-Distill-Llama-8B" → "deepseek", "Qwen2.5-7B" → "qwen".
    /// `extra` adds families (an operator's deny list), matched like `families`.
    public static func family(in name: String, extra: [String] = []) -> String? {
        let text = name.lowercased()
        if let family = (families + extra.map { $0.lowercased() }).first(where: { !$0.isEmpty && text.contains($0) }) {
            return family
        }
        return familyWords.first { word in containsWord(word, in: text) }
    }

    private static func containsWord(_ word: String, in text: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: word, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }
}
