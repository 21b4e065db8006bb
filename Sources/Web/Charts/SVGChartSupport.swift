import Foundation

/// One named row of values in a chart, one value per category (ARCHITECTURE "Charts": inline SVG,
/// readable without JavaScript). Values are integers — counts, points, minutes — because nothing in
/// Suanli that is charted is fractional; a chart only formats them.
public struct ChartSeries: Hashable, Sendable {
    public var name: String
    public var values: [Int]

    public init(name: String, values: [Int]) {
        self.name = name
        self.values = values
    }
}

/// Colours and fills shared by the charts. Every colour has at least 4.5:1 contrast against the white
/// background (WCAG 2.1 1.4.11 asks 3:1 of graphics; the margin keeps the white pattern lines visible),
/// and each series also gets its own pattern, so two series never differ by colour alone (1.4.1) and a
/// greyscale printout still tells them apart.
public enum ChartPalette {
    /// Darkened Okabe–Ito hues, which stay distinct for the common colour-vision deficiencies.
    public static let colours = ["#0072B2", "#B8400B", "#007A5A", "#8B3A8F", "#7A5C00", "#4D4D4D"]
    public static let patternCount = 6
    public static let ink = "#1A1A1A"
    public static let grid = "#C8C8C8"
    public static let background = "#FFFFFF"

    public static func colour(_ index: Int) -> String { colours[index % colours.count] }

    /// The `<pattern>` for series `index`: its colour with white marks. Colours and patterns cycle
    /// with different periods only after six series; charts with more series than that are unreadable
    /// anyway and should be split.
    static func pattern(id: String, index: Int) -> String {
        let colour = colour(index)
        let marks: String
        switch index % patternCount {
        case 0: marks = ""
        case 1: marks = "<path d=\"M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        case 2: marks = "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#FFFFFF\"/>"
        case 3: marks = "<path d=\"M0,4 H8\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        case 4: marks = "<path d=\"M0,0 L8,8 M8,0 L0,8\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        default: marks = "<path d=\"M4,0 V8\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        }
        return "<pattern id=\"\(id)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
            + "<rect width=\"8\" height=\"8\" fill=\"\(colour)\"/>\(marks)</pattern>"
    }
}

/// Text handling for SVG built as a string: escaping, rough widths for layout, numbers.
public enum ChartText {
    /// Escapes for element content and attribute values alike, and drops what XML 1.0 forbids
    /// (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF), so a label can never break the document.
    /// Line breaks become spaces, since chart labels are one line.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += " "
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An ID usable in `id` and `url(#…)`: letters, digits, `-` and `_`, starting with a letter.
    public static func identifier(_ raw: String) -> String {
        let kept = String(raw.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic
            || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") })
        guard let first = kept.unicodeScalars.first else { return "chart" }
        return first.properties.isAlphabetic ? kept : "c" + kept
    }

    /// "1,234,567" — both UI languages group thousands with commas.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// Approximate rendered width in user units, for layout only: CJK and other wide characters take a
    /// full em, everything else about 0.6 em (a sans-serif average). Good enough to size margins and
    /// decide when to shorten a label; exact metrics would need the font.
    public static func width(_ text: String, fontSize: Int) -> Int {
        let tenths = text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 10 : 6) }
        return (tenths * fontSize + 9) / 10
    }

    /// The text, shortened with "…" to fit `maxWidth`; the full text goes into the `<title>` tooltip.
    public static func fitted(_ text: String, maxWidth: Int, fontSize: Int) -> String {
        guard width(text, fontSize: fontSize) > maxWidth else { return text }
        var kept = ""
        for character in text {
            let candidate = kept + String(character)
            if width(candidate + "…", fontSize: fontSize) > maxWidth { break }
            kept = candidate
        }
        return kept + "…"
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}

/// The value axis: a "nice" top and step (1, 2 or 5 × 10ⁿ), and integer positions along it.
public struct ChartScale: Hashable, Sendable {
    public let top: Int
    public let step: Int

    /// All-zero (or empty) data gets the axis 0…1, so that nothing divides by zero and the zero bars
    /// still sit on a labelled axis.
    public init(maximum: Int, targetSteps: Int = 5) {
        let maximum = max(0, maximum)
        guard maximum > 0 else {
            top = 1
            step = 1
            return
        }
        let rough = (maximum + targetSteps - 1) / max(1, targetSteps)
        var magnitude = 1
        while magnitude <= rough / 10 { magnitude *= 10 }
        let step = [1, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        self.step = step
        self.top = (maximum + step - 1) / step * step
    }

    public var ticks: [Int] { Array(stride(from: 0, through: top, by: step)) }

    /// `value`'s distance from the axis origin on an axis `length` units long, rounded half up;
    /// negative values are drawn as zero.
    public func position(_ value: Int, length: Int) -> Int {
        let clamped = min(max(0, value), top)
        return (2 * clamped * length + top) / (2 * top)
    }
}

/// The attributes and elements every chart starts with: `role="img"` with `<title>` and `<desc>`
/// named by `aria-labelledby`, so a screen reader announces the chart's name and its data.
enum ChartDocument {
    static func open(
        id: String, kind: String, width: Int, height: Int, title: String, desc: String, lang: String
    ) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="\(width)" \
        height="\(height)" role="img" aria-labelledby="\(id)-title \(id)-desc" class="chart chart-\(kind)" \
        lang="\(ChartText.escape(lang))" font-family="system-ui, -apple-system, 'Noto Sans TC', \
        'PingFang TC', 'Microsoft JhengHei', sans-serif" font-size="12">\
        <title id="\(id)-title">\(ChartText.escape(title))</title>\
        <desc id="\(id)-desc">\(ChartText.escape(desc))</desc>\
        <rect width="\(width)" height="\(height)" fill="\(ChartPalette.background)"/>
        """
    }

    /// "Category: A 3, B 5; …" in the chart's language, appended to the description, because
    /// `role="img"` hides the drawn value labels from screen readers.
    static func dataListing(categories: [String], series: [ChartSeries], lang: String,
                            format: (Int) -> String) -> String {
        let chinese = lang.lowercased().hasPrefix("zh")
        let (colon, comma, semicolon) = chinese ? ("：", "、", "；") : (": ", ", ", "; ")
        return categories.enumerated().map { index, category in
            category + colon + series.map { "\($0.name) \(format($0.values.chartValue(at: index)))" }
                .joined(separator: comma)
        }.joined(separator: semicolon) + (chinese ? "。" : ".")
    }
}

extension Array where Element == Int {
    /// Missing values (a series shorter than the categories) count as zero rather than trapping.
    func chartValue(at index: Int) -> Int { indices.contains(index) ? self[index] : 0 }
}
