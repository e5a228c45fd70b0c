import Foundation
import Migration

/// Draws progress on stderr: a line per table with a bar, rows/s and ETA, or JSON lines.
final class ProgressPrinter: @unchecked Sendable {
    private let json: Bool
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(json: Bool) {
        self.json = json
    }

    func handle(_ event: ProgressEvent) {
        if json { return emit(jsonLine(event)) }
        switch event {
        case let .tableStarted(table, total):
            started = Date()
            draw(table, 0, total, force: true)
        case let .rows(table, done, total):
            draw(table, done, total, force: false)
        case let .tableFinished(table, rows, seconds):
            let rate = seconds > 0 ? Int(Double(rows) / seconds) : rows
            emit(
                "\r\u{1B}[K" + label(table) + " [" + String(repeating: "#", count: 30)
                    + "] \(rows) rows, \(rate) rows/s, \(String(format: "%.1f", seconds)) s\n")
        case let .phase(name, done, total, current):
            // One line, redrawn in place; kept when the phase is done.
            let filled = total > 0 ? done * 30 / total : 30
            let bar = " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] \(done)/\(total)"
            emit("\r\u{1B}[K" + label(name) + bar + (done < total ? " " + current : "\n"))
        case let .step(text):
            emit("\r\u{1B}[K\(text) ...\n")
        }
    }

    private func draw(_ table: String, _ done: Int, _ total: Int, force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * 30)
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int(Double(total - done) / rate) : 0
        emit(
            "\r\u{1B}[K" + label(table) + " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                + "] \(Int(fraction * 100))% \(Int(rate)) rows/s ETA \(eta) s")
    }

    private func label(_ table: String) -> String {
        table.count >= 28 ? table : table + String(repeating: " ", count: 28 - table.count)
    }

    private func jsonLine(_ event: ProgressEvent) -> String {
        var object: [String: Any] = ["time": ISO8601DateFormatter().string(from: Date())]
        switch event {
        case let .tableStarted(table, total):
            object["event"] = "table_started"
            object["table"] = table
            object["total"] = total
        case let .rows(table, done, total):
            object["event"] = "rows"
            object["table"] = table
            object["done"] = done
            object["total"] = total
        case let .tableFinished(table, rows, seconds):
            object["event"] = "table_finished"
            object["table"] = table
            object["rows"] = rows
            object["seconds"] = seconds
        case let .phase(name, done, total, current):
            object["event"] = "phase"
            object["phase"] = name
            object["done"] = done
            object["total"] = total
            object["current"] = current
        case let .step(text):
            object["event"] = "step"
            object["step"] = text
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func emit(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
