import Metrics
import Prometheus
import Synchronization

/// Prometheus at `/metrics`. The metrics system can be bootstrapped once per process; tests build many
/// applications, so the registry is created once and shared.
enum AppMetrics {
    private static let state = Mutex<PrometheusCollectorRegistry?>(nil)

    static var registry: PrometheusCollectorRegistry {
        state.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            current = registry
            return registry
        }
    }
}
