/// Grants: programmes, rounds, applications, eligibility, review, awards, statistics (SPEC C1–C4, C7).
/// This file only anchors the target; the domain lives beside it in `Domain/`.
public enum Grants {}
