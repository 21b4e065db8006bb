import Foundation

/// A line chart over ordered categories (days, weeks) as an accessible inline SVG — daily usage
/// (SPEC C5.6) and the weekly usage evidence of the marketplace (M8). It shares the bar chart's
/// frame, axes, legend and text handling; what differs is that each series has its own dash pattern
/// and marker shape besides its colour, and every point carries its value as text and as a tooltip.
public struct SVGLineChart: Sendable {
    public var id: String
    public var title: String
    public var summary: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var valueAxisLabel: String
    public var categoryAxisLabel: String
    public var width: Int
    public var height: Int
    public var lang: String
    public var valueText: @Sendable (Int) -> String

    public init(
        id: String, title: String, summary: String = "", categories: [String], series: [ChartSeries],
        valueAxisLabel: String = "", categoryAxisLabel: String = "", width: Int = 640, height: Int = 360,
        lang: String = "zh-TW", valueText: @escaping @Sendable (Int) -> String = { ChartText.grouped($0) }
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.categories = categories
        self.series = series
        self.valueAxisLabel = valueAxisLabel
        self.categoryAxisLabel = categoryAxisLabel
        self.width = width
        self.height = height
        self.lang = lang
        self.valueText = valueText
    }

    static let haloText = "fill=\"\(ChartPalette.ink)\" stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\" "
        + "stroke-linejoin=\"round\""

    /// Dash patterns by series, solid first; they repeat after four series, with other markers.
    static let dashes = ["", "6 3", "2 3", "8 3 2 3"]

    public func render() -> String {
        // The bar chart lays out the frame, axes and legend; only the marks differ.
        let layout = SVGBarChart(
            id: id, title: title, summary: summary, categories: categories, series: series,
            valueAxisLabel: valueAxisLabel, categoryAxisLabel: categoryAxisLabel, orientation: .vertical,
            arrangement: .grouped, width: width, height: height, lang: lang, valueText: valueText)
        let id = ChartText.identifier(self.id)
        let chinese = lang.lowercased().hasPrefix("zh")
        let noData = categories.isEmpty || series.isEmpty
        let listing = noData ? (chinese ? "沒有資料。" : "No data.")
            : ChartDocument.dataListing(categories: categories, series: series, lang: lang, format: valueText)
        var svg = ChartDocument.open(id: id, kind: "line", width: layout.width, height: layout.height,
                                     title: title, desc: summary.isEmpty ? listing : summary + " " + listing,
                                     lang: lang)
        let legend = layout.legendLayout()
        svg += legendSVG(legend, id: id)
        if noData {
            svg += layout.text(chinese ? "沒有資料" : "No data", x: layout.width / 2, y: layout.height / 2,
                               anchor: "middle", size: SVGBarChart.fontSize)
            return svg + "</svg>"
        }
        let frame = layout.plotFrame(legendBottom: legend.bottom)
        svg += layout.axes(frame)
        let band = layout.bandLength(frame)
        for (seriesIndex, entry) in series.enumerated() {
            let colour = ChartPalette.colour(seriesIndex)
            let points = categories.indices.map { index in
                let value = entry.values.chartValue(at: index)
                return (x: layout.bandStart(index, frame) + band / 2,
                        y: frame.bottom - frame.scale.position(value, length: frame.plotHeight), value: value)
            }
            let dash = Self.dashes[seriesIndex % Self.dashes.count]
            svg += "<g class=\"series\"><polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")
                + " points=\"" + points.map { "\($0.x),\($0.y)" }.joined(separator: " ") + "\"/>"
            for (index, point) in points.enumerated() {
                let tooltip = layout.tooltip(entry.name, categories[index], point.value)
                svg += marker(seriesIndex, x: point.x, y: point.y, colour: colour, tooltip: tooltip)
                // Alternate above and below, so that two series' labels do not print over each other —
                // except on the axis, where below would collide with the category labels.
                let below = seriesIndex % 2 == 1 && point.y + 16 < frame.bottom - 2
                let labelY = below ? point.y + 16 : point.y - 8
                svg += layout.text(valueText(point.value), x: point.x, y: labelY, anchor: "middle",
                                   size: SVGBarChart.valueFontSize,
                                   attributes: Self.haloText)
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    /// Circle, square, triangle, diamond — a shape per series, so series differ without colour.
    func marker(_ index: Int, x: Int, y: Int, colour: String, tooltip: String) -> String {
        let style = "fill=\"\(colour)\" stroke=\"#FFFFFF\" stroke-width=\"1\""
        let title = "<title>\(ChartText.escape(tooltip))</title>"
        switch index % 4 {
        case 0: return "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"4\" \(style)>\(title)</circle>"
        case 1: return "<rect x=\"\(x - 4)\" y=\"\(y - 4)\" width=\"8\" height=\"8\" \(style)>\(title)</rect>"
        case 2:
            return "<path d=\"M\(x),\(y - 5) L\(x + 5),\(y + 4) L\(x - 5),\(y + 4) Z\" \(style)>\(title)</path>"
        default:
            return "<path d=\"M\(x),\(y - 5) L\(x + 5),\(y) L\(x),\(y + 5) L\(x - 5),\(y) Z\" \(style)>\(title)</path>"
        }
    }

    /// The legend shows each series' line style and marker rather than a filled swatch.
    func legendSVG(_ legend: SVGBarChart.Legend, id: String) -> String {
        legend.items.enumerated().map { index, item in
            let colour = ChartPalette.colour(index)
            let dash = Self.dashes[index % Self.dashes.count]
            return "<g class=\"legend-item\"><line x1=\"\(item.x)\" y1=\"\(item.y + 7)\" x2=\"\(item.x + 14)\" "
                + "y2=\"\(item.y + 7)\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                + marker(index, x: item.x + 7, y: item.y + 7, colour: colour, tooltip: item.name)
                + "<text x=\"\(item.x + 20)\" y=\"\(item.y + 12)\" fill=\"\(ChartPalette.ink)\">"
                + "\(ChartText.escape(item.name))</text></g>"
        }.joined()
    }
}
