import SuanliKit

/// Runs every rule of SPEC C2 for one applicant against the registry snapshot and the applicant's
/// declarations. Pure: the caller passes the day (Taipei, from the server clock) and the snapshot.
public enum EligibilityEvaluator {
    public static func evaluate(
        _ taxID: TaxID, registry: RegistrySnapshot, declarations: ApplicantDeclarations, on day: ROCDate,
        policy: EligibilityPolicy = EligibilityPolicy()
    ) -> EligibilityReport {
        let facts = EligibilityFacts(
            taxID: taxID, registry: registry, declarations: declarations, day: day, policy: policy)
        let rules: [(EligibilityFacts) -> EligibilityRuleResult] = [
            EligibilityRules.industry,
            EligibilityRules.startupPriority,
            EligibilityRules.notBranch,
            EligibilityRules.notChineseCapital,
            EligibilityRules.noGovernmentProjectBreach,
            EligibilityRules.noSeriousViolation,
            EligibilityRules.organisationForm,
            EligibilityRules.activeRegistration,
        ]
        return EligibilityReport(
            taxID: taxID, evaluatedOn: day, results: rules.map { $0(facts) },
            datasets: registry.datasets.values.sorted { $0.source < $1.source })
    }
}

/// The rules themselves, one file per SPEC C2 clause (`EligibilityRules+Industry.swift`, …).
enum EligibilityRules {}
