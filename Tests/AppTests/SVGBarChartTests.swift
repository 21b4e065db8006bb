import Foundation
import Testing
import Web

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Inline SVG charts (ARCHITECTURE "Charts"; SPEC C4.6, T7 accessibility): well-formed, named and
/// described for screen readers, values printed as text, every label escaped, zero data drawable.
@Suite struct SVGBarChartTests {
    static let rounds = SVGBarChart(
        id: "rounds", title: "各梯次申請與通過件數", summary: "依梯次比較申請與通過件數。",
        categories: ["第 1 梯次", "第 2 梯次", "<第 3 梯次> & \"特別\""],
        series: [ChartSeries(name: "申請件數", values: [12, 30, 7]), ChartSeries(name: "通過件數", values: [5, 11, 0])],
        valueAxisLabel: "件數", categoryAxisLabel: "梯次")

    /// The whole document parses as XML (a broken chart would break the page around it).
    static func isWellFormed(_ svg: String) -> Bool {
        XMLParser(data: Data(svg.utf8)).parse()
    }

    static func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    @Test func isAnAccessibleImageWithTitleAndDescription() {
        let svg = Self.rounds.render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"rounds-title rounds-desc\""))
        #expect(svg.contains("<title id=\"rounds-title\">各梯次申請與通過件數</title>"))
        #expect(svg.contains("<desc id=\"rounds-desc\">依梯次比較申請與通過件數。 第 1 梯次：申請件數 12、通過件數 5；"))
        #expect(svg.contains("lang=\"zh-TW\""))
        #expect(svg.hasSuffix("</svg>"))
    }

    @Test func everyBarHasATooltipAndAPrintedValue() {
        let svg = Self.rounds.render()
        #expect(Self.count("<rect x=", in: svg) == 6 + 2)  // six bars, two legend swatches
        #expect(svg.contains("<title>申請件數 — 第 2 梯次：30</title>"))
        #expect(svg.contains("<title>通過件數 — &lt;第 3 梯次&gt; &amp; &quot;特別&quot;：0</title>"))
        for value in ["12", "30", "7", "5", "11", "0"] {
            #expect(svg.contains(">\(value)</text>"), "value \(value) printed")
        }
        #expect(svg.contains(">件數</text>") && svg.contains(">梯次</text>"))
        #expect(svg.contains(">申請件數</text>") && svg.contains(">通過件數</text>"), "legend")
    }

    @Test func escapesEveryLabel() {
        let chart = SVGBarChart(
            id: "x", title: "A < B & \"C\" 'D'", summary: "<script>alert(1)</script>",
            categories: ["<b>bold</b>", "a\u{1}b"], series: [ChartSeries(name: "S&P <500>", values: [1, 2])],
            valueAxisLabel: "</text><script>", lang: "en")
        let svg = chart.render()
        #expect(Self.isWellFormed(svg))
        #expect(!svg.contains("<script>") && !svg.contains("<b>"))
        #expect(svg.contains("A &lt; B &amp; &quot;C&quot; &#39;D&#39;"))
        #expect(svg.contains("S&amp;P &lt;500&gt;"))
        #expect(ChartText.escape("a\u{1}b\u{FFFE}\nc") == "ab c")
    }

    @Test func drawsAllZeroAndEmptyDataWithoutDividingByZero() {
        let zero = SVGBarChart(id: "zero", title: "Zero", categories: ["A", "B"],
                               series: [ChartSeries(name: "S", values: [0, 0])], arrangement: .stacked, lang: "en")
        let svg = zero.render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.contains("<desc id=\"zero-desc\">A: S 0; B: S 0.</desc>"))
        #expect(ChartScale(maximum: 0) == ChartScale(maximum: -5))
        #expect(ChartScale(maximum: 0).top == 1 && ChartScale(maximum: 0).ticks == [0, 1])

        let empty = SVGBarChart(id: "empty", title: "空", categories: [], series: []).render()
        #expect(Self.isWellFormed(empty))
        #expect(empty.contains(">沒有資料</text>") && empty.contains("沒有資料。</desc>"))

        let short = SVGBarChart(id: "short", title: "Short", categories: ["A", "B", "C"],
                                series: [ChartSeries(name: "S", values: [4])]).render()
        #expect(Self.isWellFormed(short), "a series shorter than the categories counts the rest as zero")
    }

    @Test(arguments: [SVGBarChart.Orientation.vertical, .horizontal])
    func stackedBarsShowSegmentsAndTotals(_ orientation: SVGBarChart.Orientation) {
        let chart = SVGBarChart(
            id: "levels", title: "級別分布", categories: ["模型訓練類", "模型推論類"],
            series: [ChartSeries(name: "L1", values: [10, 4]), ChartSeries(name: "L2", values: [6, 2]),
                     ChartSeries(name: "L3", values: [3, 0])],
            orientation: orientation, arrangement: .stacked, width: 560, height: 300)
        let svg = chart.render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.contains("viewBox=\"0 0 560 300\""))
        #expect(svg.contains(">19</text>") && svg.contains(">6</text>"), "totals")
        #expect(svg.contains("<title>L3 — 模型訓練類：3</title>"))
    }

    @Test func seriesDifferByPatternAsWellAsColour() {
        let svg = Self.rounds.render()
        #expect(svg.contains("<pattern id=\"rounds-p0\"") && svg.contains("<pattern id=\"rounds-p1\""))
        #expect(svg.contains("fill=\"url(#rounds-p1)\""))
        // WCAG 1.4.11: graphics need 3:1 against the white background; the palette keeps 4.5:1.
        for colour in ChartPalette.colours {
            #expect(Self.contrastAgainstWhite(colour) >= 4.5, "\(colour)")
        }
        #expect(Set(ChartPalette.colours).count == ChartPalette.colours.count)
    }

    @Test func lineChartsMarkEveryPoint() {
        let svg = SVGLineChart(
            id: "usage", title: "每日使用量", categories: ["6/1", "6/2", "6/3"],
            series: [ChartSeries(name: "GPU 小時", values: [10, 0, 30]), ChartSeries(name: "點數", values: [20, 0, 60])],
            valueAxisLabel: "數量").render()
        #expect(Self.isWellFormed(svg))
        #expect(svg.contains("role=\"img\"") && svg.contains("class=\"chart chart-line\""))
        #expect(Self.count("<polyline", in: svg) == 2)
        #expect(svg.contains("stroke-dasharray=\"6 3\""), "the second series is dashed")
        #expect(svg.contains("<title>點數 — 6/3：60</title>"))
        #expect(svg.contains(">60</text>"))
    }

    @Test func helpersFormatAndFitText() {
        #expect(ChartText.grouped(1_234_567) == "1,234,567" && ChartText.grouped(-1_000) == "-1,000")
        #expect(ChartText.grouped(0) == "0" && ChartText.grouped(999) == "999")
        #expect(ChartText.identifier("9 bad id!") == "c9badid" && ChartText.identifier("統計") == "chart")
        #expect(ChartText.fitted("一二三四五六七八九十", maxWidth: 60, fontSize: 12) == "一二三四…")
        #expect(ChartText.fitted("short", maxWidth: 60, fontSize: 12) == "short")
        #expect(ChartScale(maximum: 7).ticks == [0, 2, 4, 6, 8])
        #expect(ChartScale(maximum: 6_000).step == 2_000)
        #expect(ChartScale(maximum: 10).position(5, length: 101) == 51)
    }

    static func contrastAgainstWhite(_ hex: String) -> Double {
        let digits = Array(hex.dropFirst())
        let channels = stride(from: 0, to: 6, by: 2).map { Double(Int(String(digits[$0...$0 + 1]), radix: 16)!) / 255 }
        let linear = channels.map { $0 <= 0.039_28 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
        let luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return 1.05 / (luminance + 0.05)
    }
}
