// The lab's alert thresholds as the monitor keeps them: read at start, changed by the admin.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging

extension CoachMonitor {
    /// The lab setting that holds the thresholds as JSON.
    static let thresholdsKey = "alerts"

    /// The thresholds the monitor raises alerts by now.
    var currentThresholds: LoadThresholds {
        thresholds.withLock { $0 }
    }

    /// Reads the stored thresholds; a stored value that no longer reads as thresholds is logged
    /// and the defaults stay, so that the lab still starts.
    func loadThresholds() async throws {
        guard let json = try await store.labSetting(Self.thresholdsKey) else { return }
        do {
            let stored = try JSONDecoder().decode(LoadThresholds.self, from: Data(json.utf8))
            thresholds.withLock { $0 = stored }
        } catch {
            logger.warning("The stored alert thresholds do not read as thresholds; the defaults apply",
                           metadata: ["error": "\(error)"])
        }
    }

    /// Checks, stores and applies new thresholds; the next look at each operator uses them.
    public func setThresholds(_ new: LoadThresholds, actor: Int64?) async throws -> LoadThresholds {
        let checked = try new.validated()
        let json = String(decoding: try JSONEncoder().encode(checked), as: UTF8.self)
        try await store.setLabSetting(Self.thresholdsKey, json: json, actor: actor)
        thresholds.withLock { $0 = checked }
        return checked
    }
}
