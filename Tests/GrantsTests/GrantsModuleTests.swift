@testable import Grants
import Testing

@Test func grantsTargetLinks() {
    _ = Grants.self
}
