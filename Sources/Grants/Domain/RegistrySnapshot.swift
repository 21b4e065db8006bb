import SuanliKit

/// The registry as of the last imports: per business, what each source said, and the merged view
/// the eligibility rules read (SPEC C2.5, T8). Which datasets were loaded matters as much as what
/// they hold — "not on the Chinese-capital list" is evidence only if the list was imported.
public struct RegistrySnapshot: Hashable, Sendable {
    public private(set) var entries: [TaxID: RegistryEntry] = [:]
    public private(set) var datasets: [RegistrySource: RegistryDataset] = [:]

    public init() {}

    public init(_ imports: [RegistryImportResult]) {
        for result in imports { add(result) }
    }

    /// Adds one import; a second import of the same source replaces that source's records (a
    /// newer download supersedes the older one) and leaves the other sources' records alone.
    public mutating func add(_ result: RegistryImportResult) {
        for taxID in Array(entries.keys) {
            entries[taxID]?.removeSource(result.source)
            if entries[taxID]?.bySource.isEmpty == true { entries[taxID] = nil }
        }
        for record in result.records {
            entries[record.taxID, default: RegistryEntry(taxID: record.taxID)].set(record, from: result.source)
        }
        datasets[result.source] = RegistryDataset(
            source: result.source, datasetDate: result.datasetDate, recordCount: result.records.count)
    }

    /// The merged entry for a business, or nil when no loaded source lists it.
    public func entry(for taxID: TaxID) -> RegistryEntry? { entries[taxID] }

    public func record(for taxID: TaxID) -> RegistryRecord? { entries[taxID]?.record }

    public func hasLoaded(_ source: RegistrySource) -> Bool { datasets[source] != nil }
}

/// Which dataset was loaded and how current it is.
public struct RegistryDataset: Hashable, Sendable, Codable {
    public var source: RegistrySource
    /// The dataset's own date where it states one (the tax register's stamp line).
    public var datasetDate: ROCDate?
    public var recordCount: Int
}

/// One business in the snapshot.
public struct RegistryEntry: Hashable, Sendable {
    public let taxID: TaxID
    public private(set) var bySource: [RegistrySource: RegistryRecord] = [:]
    /// The merged view (`RegistryRecord.merged`).
    public private(set) var record: RegistryRecord?

    init(taxID: TaxID) { self.taxID = taxID }

    mutating func set(_ record: RegistryRecord, from source: RegistrySource) {
        bySource[source] = record
        self.record = RegistryRecord.merged(bySource.values)
    }

    mutating func removeSource(_ source: RegistrySource) {
        guard bySource.removeValue(forKey: source) != nil else { return }
        record = RegistryRecord.merged(bySource.values)
    }

    /// The first value of a field in precedence order, with the source that gave it — so a rule can
    /// tell the operator where a datum came from.
    public func value<Value>(
        _ field: KeyPath<RegistryRecord, Value?>, order: [RegistrySource] = RegistrySource.precedence
    ) -> (value: Value, source: RegistrySource)? {
        for source in order {
            if let value = bySource[source]?[keyPath: field] { return (value, source) }
        }
        return nil
    }

    public func lists(in source: RegistrySource) -> Bool { bySource[source] != nil }
}

extension RegistrySnapshot {
    /// Rebuilds the part of a snapshot the Store loaded: the stored records of the businesses asked
    /// about, and the list of datasets with their full record counts.
    public init(restoring records: [(source: RegistrySource, record: RegistryRecord)], datasets: [RegistryDataset]) {
        for (source, record) in records {
            entries[record.taxID, default: RegistryEntry(taxID: record.taxID)].set(record, from: source)
        }
        for dataset in datasets { self.datasets[dataset.source] = dataset }
    }
}
