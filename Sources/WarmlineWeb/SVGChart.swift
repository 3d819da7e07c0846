import Foundation

/// The dashboard's charts, drawn on the server as inline SVG (no script, no fetched library): presentation attributes
/// only, so the page's content security policy needs no inline styles.
public enum SVGChart {
    /// Calls per local hour as bars, and the service level (percent of those who needed a person reached within the
    /// target) as a line over them, with the 80 % goal dashed.
    public static func serviceLevel(_ hours: [DashboardData.HourFigures], currentHour: Int?) -> String {
        let width = 640.0, height = 240.0
        let left = 34.0, right = 40.0, top = 16.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxCalls = max(4, hours.map(\.calls).max() ?? 0)
        let scaleMax = Double(niceCeiling(maxCalls))
        let slot = plotW / 24
        var svg = svgOpen(width: width, height: height, label: "Calls per hour and service level")
        // grid and left axis (calls)
        for step in 0...4 {
            let value = scaleMax * Double(step) / 4
            let y = top + plotH - plotH * Double(step) / 4
            svg += line(left, y, left + plotW, y, stroke: "#e3e7ee")
            svg += text(left - 6, y + 4, formatCount(value), anchor: "end", fill: "#5b6678")
            svg += text(left + plotW + 6, y + 4, "\(step * 25)%", anchor: "start", fill: "#1d7a46")
        }
        // the 80 % goal
        let goalY = top + plotH * 0.2
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(goalY))\" x2=\"\(f(left + plotW))\" y2=\"\(f(goalY))\" stroke=\"#1d7a46\" stroke-width=\"1\" stroke-dasharray=\"4 4\" opacity=\"0.6\"/>"
        for figures in hours {
            let x = left + slot * Double(figures.hour)
            let barH = plotH * Double(figures.calls) / scaleMax
            let fill = figures.hour == currentHour ? "#2f6fdd" : "#7fa6e8"
            if figures.calls > 0 {
                svg += "<rect class=\"bar\" data-hour=\"\(figures.hour)\" data-calls=\"\(figures.calls)\" x=\"\(f(x + slot * 0.15))\" y=\"\(f(top + plotH - barH))\" width=\"\(f(slot * 0.7))\" height=\"\(f(barH))\" fill=\"\(fill)\" rx=\"2\"><title>\(String(format: "%02d", figures.hour)):00 \(figures.calls) calls</title></rect>"
            }
            if figures.hour % 3 == 0 {
                svg += text(x + slot / 2, top + plotH + 16, String(format: "%02d", figures.hour), anchor: "middle", fill: "#5b6678")
            }
        }
        // service level line through the hours where someone needed a person
        let points = hours.compactMap { figures -> (Double, Double, DashboardData.HourFigures)? in
            guard let level = figures.serviceLevelPercent else { return nil }
            return (left + slot * (Double(figures.hour) + 0.5), top + plotH - plotH * level / 100, figures)
        }
        if points.count > 1 {
            svg += "<polyline fill=\"none\" stroke=\"#1d7a46\" stroke-width=\"2.5\" points=\"\(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>"
        }
        for (x, y, figures) in points {
            let level = figures.serviceLevelPercent ?? 0
            svg += "<circle class=\"sl-point\" data-hour=\"\(figures.hour)\" data-level=\"\(Int(level.rounded()))\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(level >= 80 ? "#1d7a46" : "#c23b22")\" stroke=\"#fff\" stroke-width=\"1.5\"><title>\(String(format: "%02d", figures.hour)):00 service level \(Int(level.rounded()))% (\(figures.withinTarget) of \(figures.neededPerson) within \(DashboardData.serviceLevelTargetMs / 1000) s)</title></circle>"
        }
        if hours.allSatisfy({ $0.calls == 0 }) {
            svg += text(left + plotW / 2, top + plotH / 2, "no calls yet today", anchor: "middle", fill: "#8a94a6")
        }
        return svg + "</svg>"
    }

    /// Today's hand-off latencies as bars per latency band; bands over the service-level target drawn amber.
    public static func latencyHistogram(_ counts: [Int]) -> String {
        let width = 640.0, height = 240.0
        let left = 34.0, right = 12.0, top = 16.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let scaleMax = Double(niceCeiling(max(4, counts.max() ?? 0)))
        let bounds = DashboardData.latencyBucketsSeconds
        let labels = bounds.enumerated().map { index, bound in
            index == 0 ? "≤\(Int(bound)) s" : "\(Int(bounds[index - 1]))–\(Int(bound)) s"
        } + [">\(Int(bounds.last ?? 0)) s"]
        let slot = plotW / Double(counts.count)
        var svg = svgOpen(width: width, height: height, label: "Hand-off latency histogram")
        for step in 0...4 {
            let y = top + plotH - plotH * Double(step) / 4
            svg += line(left, y, left + plotW, y, stroke: "#e3e7ee")
            svg += text(left - 6, y + 4, formatCount(scaleMax * Double(step) / 4), anchor: "end", fill: "#5b6678")
        }
        for (index, count) in counts.enumerated() {
            let x = left + slot * Double(index)
            let barH = plotH * Double(count) / scaleMax
            let slow = index >= bounds.count || bounds[index] * 1000 > Double(DashboardData.serviceLevelTargetMs)
            let label = labels[index]
            svg += "<rect class=\"bucket\" data-bucket=\"\(index)\" data-count=\"\(count)\" x=\"\(f(x + slot * 0.12))\" y=\"\(f(top + plotH - barH))\" width=\"\(f(slot * 0.76))\" height=\"\(f(max(barH, count > 0 ? 1 : 0)))\" fill=\"\(slow ? "#e0a030" : "#2f6fdd")\" rx=\"2\"><title>\(label): \(count) hand-offs</title></rect>"
            if count > 0 { svg += text(x + slot / 2, top + plotH - barH - 5, "\(count)", anchor: "middle", fill: "#1f2733", bold: true) }
            svg += text(x + slot / 2, top + plotH + 16, label, anchor: "middle", fill: "#5b6678")
        }
        if counts.allSatisfy({ $0 == 0 }) {
            svg += text(left + plotW / 2, top + plotH / 2, "no hand-offs yet today", anchor: "middle", fill: "#8a94a6")
        }
        return svg + "</svg>"
    }

    private static func svgOpen(width: Double, height: Double, label: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTML.escape(label))\" font-family=\"system-ui, sans-serif\" font-size=\"11\">"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, fill: String, bold: Bool = false) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(bold ? " font-weight=\"600\"" : "")>\(HTML.escape(content))</text>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func formatCount(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// 4, 8, 12, 20, 40, ...: an axis top that divides into four whole steps.
    static func niceCeiling(_ value: Int) -> Int {
        var step = 1
        while step * 4 < value { step = step < 5 ? step + 1 : (step < 10 ? 10 : step * 2) }
        return step * 4
    }
}
