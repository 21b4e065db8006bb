/// Merging what several sources say about one business into one record (SPEC T8). The rule is
/// written once here: each field comes from the first source in `RegistrySource.precedence` that has
/// it, except the legal form, where the tax register's explicit 組織別名稱 beats the form the GCIS
/// name suffix suggests. Lists are united; a Chinese-capital "yes" from any source wins.
extension RegistryRecord {
    /// One record from the per-source records of one business; nil for an empty input.
    public static func merged(_ records: some Collection<RegistryRecord>) -> RegistryRecord? {
        let ordered = records.sorted { $0.leadingSource < $1.leadingSource }
        guard var result = ordered.first else { return nil }
        for other in ordered.dropFirst() {
            result.fill(from: other)
        }
        let form = ordered.first { $0.sources.contains(.taxRegister) && $0.organisationType != nil }
        if let explicit = form?.organisationType { result.organisationType = explicit }
        return result
    }

    /// The highest-precedence source behind this record.
    var leadingSource: RegistrySource { sources.min() ?? .chineseCapitalList }

    /// Fills missing fields from a lower-precedence record and unites the lists.
    mutating func fill(from other: RegistryRecord) {
        if name.isEmpty { name = other.name }
        headOfficeTaxID = headOfficeTaxID ?? other.headOfficeTaxID
        capitalNTD = capitalNTD ?? other.capitalNTD
        paidInCapitalNTD = paidInCapitalNTD ?? other.paidInCapitalNTD
        establishedOn = establishedOn ?? other.establishedOn
        organisationType = organisationType ?? other.organisationType
        status = status ?? other.status
        representative = representative ?? other.representative
        address = address ?? other.address
        registeringAuthority = registeringAuthority ?? other.registeringAuthority
        lastChangeApprovedOn = lastChangeApprovedOn ?? other.lastChangeApprovedOn
        usesUniformInvoice = usesUniformInvoice ?? other.usesUniformInvoice
        chineseCapital =
            switch (chineseCapital, other.chineseCapital) {
            case (true, _), (_, true): true
            case (false, _), (_, false): false
            default: nil
            }
        chineseCapitalApprovedOn = chineseCapitalApprovedOn ?? other.chineseCapitalApprovedOn
        taxIndustryCodes.appendNew(other.taxIndustryCodes)
        for item in other.businessItems where !businessItems.contains(where: { $0.code == item.code }) {
            businessItems.append(item)
        }
        for sanction in other.sanctions where !sanctions.contains(sanction) { sanctions.append(sanction) }
        sources.formUnion(other.sources)
    }
}

extension Array where Element: Equatable {
    mutating func appendNew(_ others: [Element]) {
        for element in others where !contains(element) { append(element) }
    }
}
