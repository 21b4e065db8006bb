import Foundation

/// A grouped or stacked bar chart as an inline, accessible SVG string (ARCHITECTURE "Charts"; SPEC
/// C4.6 statistics by round and category, C5.6 usage, M8 usage evidence; WCAG 2.1 AA per T7):
/// - `role="img"` named by `<title>` and described by `<desc>`, which also lists every value;
/// - every bar carries a `<title>` tooltip with its series, category and value;
/// - values are printed beside the bars and each series has a pattern as well as a colour, so the
///   chart reads without colour, without hover and without JavaScript;
/// - all text is XML-escaped, so labels may contain `<`, `&`, quotes and Chinese;
/// - integer geometry on a `viewBox`, so it scales with CSS (`width: 100%; height: auto`).
public struct SVGBarChart: Sendable {
    public enum Orientation: Sendable {
        /// Columns rising from a horizontal category axis.
        case vertical
        /// Bars growing rightwards from a vertical category axis — better for long (Chinese) labels.
        case horizontal
    }

    public enum Arrangement: Sendable {
        /// One bar per series side by side within each category.
        case grouped
        /// The series' bars on top of each other, with the category's total at the end.
        case stacked
    }

    /// Unique on the page: it prefixes the IDs that `aria-labelledby` and the patterns refer to.
    public var id: String
    public var title: String
    /// What the chart shows, in a sentence; the values are appended automatically.
    public var summary: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var valueAxisLabel: String
    public var categoryAxisLabel: String
    public var orientation: Orientation
    public var arrangement: Arrangement
    public var width: Int
    public var height: Int
    /// BCP 47 tag of the labels; also picks the punctuation of the description and the "no data" text.
    public var lang: String
    public var valueText: @Sendable (Int) -> String

    public init(
        id: String, title: String, summary: String = "", categories: [String], series: [ChartSeries],
        valueAxisLabel: String = "", categoryAxisLabel: String = "", orientation: Orientation = .vertical,
        arrangement: Arrangement = .grouped, width: Int = 640, height: Int = 360, lang: String = "zh-TW",
        valueText: @escaping @Sendable (Int) -> String = { ChartText.grouped($0) }
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.categories = categories
        self.series = series
        self.valueAxisLabel = valueAxisLabel
        self.categoryAxisLabel = categoryAxisLabel
        self.orientation = orientation
        self.arrangement = arrangement
        self.width = max(width, 200)
        self.height = max(height, 160)
        self.lang = lang
        self.valueText = valueText
    }

    static let margin = 12
    static let fontSize = 12
    static let valueFontSize = 11

    public func render() -> String {
        let id = ChartText.identifier(self.id)
        let chinese = lang.lowercased().hasPrefix("zh")
        let noData = categories.isEmpty || series.isEmpty
        let listing = noData ? (chinese ? "沒有資料。" : "No data.")
            : ChartDocument.dataListing(categories: categories, series: series, lang: lang, format: valueText)
        var svg = ChartDocument.open(id: id, kind: "bar", width: width, height: height, title: title,
                                     desc: summary.isEmpty ? listing : summary + " " + listing, lang: lang)
        svg += "<defs>" + series.indices.map { ChartPalette.pattern(id: "\(id)-p\($0)", index: $0) }.joined()
            + "</defs>"
        let legend = legendLayout()
        svg += legend.svg(id: id)
        if noData {
            svg += text(chinese ? "沒有資料" : "No data", x: width / 2, y: height / 2, anchor: "middle",
                        size: Self.fontSize, attributes: "fill=\"\(ChartPalette.ink)\"")
            return svg + "</svg>"
        }
        let frame = plotFrame(legendBottom: legend.bottom)
        svg += axes(frame)
        svg += bars(frame, id: id)
        return svg + "</svg>"
    }

    // MARK: Scale and frame

    var scale: ChartScale {
        let maximum: Int
        switch arrangement {
        case .grouped:
            maximum = categories.indices.flatMap { index in series.map { $0.values.chartValue(at: index) } }
                .max() ?? 0
        case .stacked:
            maximum = categories.indices.map { index in
                series.reduce(0) { $0 + max(0, $1.values.chartValue(at: index)) }
            }.max() ?? 0
        }
        return ChartScale(maximum: maximum)
    }

    /// The plot area in user units, and the room kept around it for labels.
    struct Frame {
        var left: Int
        var top: Int
        var right: Int
        var bottom: Int
        var scale: ChartScale

        var plotWidth: Int { right - left }
        var plotHeight: Int { bottom - top }
    }

    func plotFrame(legendBottom: Int) -> Frame {
        let scale = self.scale
        let tickWidth = scale.ticks.map { ChartText.width(valueText($0), fontSize: Self.fontSize) }.max() ?? 0
        let axisLabelRoom = 20
        switch orientation {
        case .vertical:
            let left = Self.margin + axisLabelRoom + tickWidth + 8
            let top = legendBottom + 20
            let bottom = height - Self.margin - (categoryAxisLabel.isEmpty ? 0 : axisLabelRoom) - 20
            return Frame(left: left, top: top, right: width - Self.margin - 4, bottom: max(bottom, top + 20),
                         scale: scale)
        case .horizontal:
            let labelWidth = min(categories.map { ChartText.width($0, fontSize: Self.fontSize) }.max() ?? 0,
                                 width * 35 / 100)
            let left = Self.margin + (categoryAxisLabel.isEmpty ? 0 : axisLabelRoom) + labelWidth + 8
            let valueRoom = ChartText.width(valueText(scale.top), fontSize: Self.valueFontSize) + 8
            let bottom = height - Self.margin - (valueAxisLabel.isEmpty ? 0 : axisLabelRoom) - 20
            return Frame(left: left, top: legendBottom + 8, right: max(width - Self.margin - valueRoom, left + 20),
                         bottom: max(bottom, legendBottom + 28), scale: scale)
        }
    }

    // MARK: Legend

    struct Legend {
        var items: [(name: String, x: Int, y: Int)]
        var bottom: Int

        func svg(id: String) -> String {
            items.enumerated().map { index, item in
                "<g class=\"legend-item\"><rect x=\"\(item.x)\" y=\"\(item.y)\" width=\"14\" height=\"14\" "
                    + "fill=\"url(#\(id)-p\(index))\" stroke=\"\(ChartPalette.ink)\" stroke-width=\"1\"/>"
                    + "<text x=\"\(item.x + 20)\" y=\"\(item.y + 12)\" fill=\"\(ChartPalette.ink)\">"
                    + "\(ChartText.escape(item.name))</text></g>"
            }.joined()
        }
    }

    /// Legend entries left to right, wrapping onto further rows when the chart is narrow.
    func legendLayout() -> Legend {
        var items: [(name: String, x: Int, y: Int)] = []
        var x = Self.margin, y = Self.margin
        let maxName = width - 2 * Self.margin - 20
        for entry in series {
            let name = ChartText.fitted(entry.name, maxWidth: maxName, fontSize: Self.fontSize)
            let itemWidth = 20 + ChartText.width(name, fontSize: Self.fontSize) + 16
            if x > Self.margin && x + itemWidth > width - Self.margin {
                x = Self.margin
                y += 20
            }
            items.append((name, x, y))
            x += itemWidth
        }
        return Legend(items: items, bottom: series.isEmpty ? Self.margin : y + 14)
    }

    // MARK: Axes

    func axes(_ frame: Frame) -> String {
        var svg = "<g class=\"axis\" fill=\"\(ChartPalette.ink)\">"
        let scale = frame.scale
        for tick in scale.ticks {
            switch orientation {
            case .vertical:
                let y = frame.bottom - scale.position(tick, length: frame.plotHeight)
                svg += line(frame.left, y, frame.right, y, colour: tick == 0 ? ChartPalette.ink : ChartPalette.grid)
                svg += text(valueText(tick), x: frame.left - 6, y: y + 4, anchor: "end", size: Self.fontSize)
            case .horizontal:
                let x = frame.left + scale.position(tick, length: frame.plotWidth)
                svg += line(x, frame.top, x, frame.bottom, colour: tick == 0 ? ChartPalette.ink : ChartPalette.grid)
                svg += text(valueText(tick), x: x, y: frame.bottom + 16, anchor: "middle", size: Self.fontSize)
            }
        }
        let band = bandLength(frame)
        for (index, category) in categories.enumerated() {
            let start = bandStart(index, frame)
            switch orientation {
            case .vertical:
                svg += label(category, x: start + band / 2, y: frame.bottom + 16, anchor: "middle",
                             maxWidth: max(band - 4, 12))
            case .horizontal:
                let maxWidth = frame.left - Self.margin - 8 - (categoryAxisLabel.isEmpty ? 0 : 20)
                svg += label(category, x: frame.left - 8, y: start + band / 2 + 4, anchor: "end",
                             maxWidth: max(maxWidth, 12))
            }
        }
        let (valueLabel, categoryLabel) = (valueAxisLabel, categoryAxisLabel)
        let middleY = (frame.top + frame.bottom) / 2, middleX = (frame.left + frame.right) / 2
        let bottomLabel = orientation == .vertical ? categoryLabel : valueLabel
        let sideLabel = orientation == .vertical ? valueLabel : categoryLabel
        if !bottomLabel.isEmpty {
            svg += text(bottomLabel, x: middleX, y: height - Self.margin, anchor: "middle", size: Self.fontSize,
                        attributes: "font-weight=\"bold\" class=\"axis-label\"")
        }
        if !sideLabel.isEmpty {
            let x = Self.margin + 10
            let rotation = "transform=\"rotate(-90 \(x) \(middleY))\""
            svg += text(sideLabel, x: x, y: middleY, anchor: "middle", size: Self.fontSize,
                        attributes: "font-weight=\"bold\" class=\"axis-label\" \(rotation)")
        }
        return svg + "</g>"
    }

    func bandLength(_ frame: Frame) -> Int {
        (orientation == .vertical ? frame.plotWidth : frame.plotHeight) / max(categories.count, 1)
    }

    /// Band starts spread the remainder of the integer division evenly instead of piling it at the end.
    func bandStart(_ index: Int, _ frame: Frame) -> Int {
        switch orientation {
        case .vertical: frame.left + index * frame.plotWidth / max(categories.count, 1)
        case .horizontal: frame.top + index * frame.plotHeight / max(categories.count, 1)
        }
    }

    // MARK: Bars

    func bars(_ frame: Frame, id: String) -> String {
        var svg = ""
        let band = bandLength(frame)
        let axisLength = orientation == .vertical ? frame.plotHeight : frame.plotWidth
        for (index, category) in categories.enumerated() {
            let start = bandStart(index, frame)
            svg += "<g class=\"category\">"
            switch arrangement {
            case .grouped:
                let thickness = max(1, min(band * 8 / 10 / series.count, orientation == .vertical ? 56 : 28))
                let offset = start + (band - thickness * series.count) / 2
                for (seriesIndex, entry) in series.enumerated() {
                    let value = entry.values.chartValue(at: index)
                    let length = frame.scale.position(value, length: axisLength)
                    let box = rect(along: offset + seriesIndex * thickness, thickness: thickness, from: 0,
                                   length: length, frame)
                    svg += bar(box, fill: "url(#\(id)-p\(seriesIndex))", tooltip: tooltip(entry.name, category, value))
                    svg += endLabel(valueText(value), box)
                }
            case .stacked:
                let thickness = max(1, min(band * 6 / 10, orientation == .vertical ? 72 : 36))
                let offset = start + (band - thickness) / 2
                var running = 0
                for (seriesIndex, entry) in series.enumerated() {
                    let value = entry.values.chartValue(at: index)
                    let from = frame.scale.position(running, length: axisLength)
                    running += max(0, value)
                    let to = frame.scale.position(running, length: axisLength)
                    let box = rect(along: offset, thickness: thickness, from: from, length: to - from, frame)
                    svg += bar(box, fill: "url(#\(id)-p\(seriesIndex))", tooltip: tooltip(entry.name, category, value))
                    svg += segmentLabel(valueText(value), box)
                }
                let total = rect(along: offset, thickness: thickness, from: 0,
                                 length: frame.scale.position(running, length: axisLength), frame)
                svg += endLabel(valueText(running), total, bold: true)
            }
            svg += "</g>"
        }
        return svg
    }

    struct Box {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
    }

    /// A bar `along` the category axis with `thickness`, reaching from `from` to `from + length` on the
    /// value axis.
    func rect(along position: Int, thickness: Int, from: Int, length: Int, _ frame: Frame) -> Box {
        switch orientation {
        case .vertical:
            Box(x: position, y: frame.bottom - from - length, width: thickness, height: length)
        case .horizontal:
            Box(x: frame.left + from, y: position, width: length, height: thickness)
        }
    }

    func tooltip(_ series: String, _ category: String, _ value: Int) -> String {
        let chinese = lang.lowercased().hasPrefix("zh")
        return "\(series) — \(category)\(chinese ? "：" : ": ")\(valueText(value))"
    }

    func bar(_ box: Box, fill: String, tooltip: String) -> String {
        "<rect x=\"\(box.x)\" y=\"\(box.y)\" width=\"\(box.width)\" height=\"\(box.height)\" fill=\"\(fill)\" "
            + "stroke=\"\(ChartPalette.ink)\" stroke-width=\"1\"><title>\(ChartText.escape(tooltip))</title></rect>"
    }

    /// The value just past the end of a bar: above a column, right of a horizontal bar.
    func endLabel(_ value: String, _ box: Box, bold: Bool = false) -> String {
        let weight = bold ? " font-weight=\"bold\"" : ""
        switch orientation {
        case .vertical:
            return text(value, x: box.x + box.width / 2, y: box.y - 4, anchor: "middle", size: Self.valueFontSize,
                        attributes: "fill=\"\(ChartPalette.ink)\"\(weight)")
        case .horizontal:
            return text(value, x: box.x + box.width + 4, y: box.y + box.height / 2 + 4, anchor: "start",
                        size: Self.valueFontSize, attributes: "fill=\"\(ChartPalette.ink)\"\(weight)")
        }
    }

    /// A stacked segment's value inside it, in dark text with a white halo so it reads on any colour and
    /// pattern; left out where the segment is too small to hold it (the tooltip and description have it).
    func segmentLabel(_ value: String, _ box: Box) -> String {
        let textWidth = ChartText.width(value, fontSize: Self.valueFontSize)
        guard box.height >= 14, box.width >= textWidth + 4 else { return "" }
        return text(value, x: box.x + box.width / 2, y: box.y + box.height / 2 + 4, anchor: "middle",
                    size: Self.valueFontSize,
                    attributes: "fill=\"\(ChartPalette.ink)\" stroke=\"#FFFFFF\" stroke-width=\"3\" "
                        + "paint-order=\"stroke\" stroke-linejoin=\"round\"")
    }

    // MARK: Primitives

    func line(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int, colour: String) -> String {
        "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(colour)\" stroke-width=\"1\"/>"
    }

    func text(_ content: String, x: Int, y: Int, anchor: String, size: Int, attributes: String = "") -> String {
        let extra = attributes.isEmpty ? "" : " " + attributes
        return "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" font-size=\"\(size)\"\(extra)>"
            + "\(ChartText.escape(content))</text>"
    }

    /// A category label shortened to its room; the full text stays available as the tooltip.
    func label(_ content: String, x: Int, y: Int, anchor: String, maxWidth: Int) -> String {
        let shown = ChartText.fitted(content, maxWidth: maxWidth, fontSize: Self.fontSize)
        let tooltip = shown == content ? "" : "<title>\(ChartText.escape(content))</title>"
        return "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" font-size=\"\(Self.fontSize)\">"
            + "\(tooltip)\(ChartText.escape(shown))</text>"
    }
}
