import SuanliKit
import SwiftASN1
import X509

/// Primary card (正卡) or attached card (附卡) of a 工商憑證 (SPEC T1).
public enum BusinessCardType: String, Sendable, Codable, CaseIterable {
    case primary
    case attached
}

/// What a MOEACA certificate says about the company, read from the Subject and from Subject Directory
/// Attributes (2.5.29.9) as the GPKI certificate profile puts it (SPEC C2.4, T1).
struct BusinessCertificateFields {
    var taxID: String
    var organisationName: String
    var cardType: BusinessCardType

    /// `requireSubjectSerialNumber`: SPEC T1 wants the Subject serialNumber to repeat the 統一編號; when
    /// false, an absent serialNumber is tolerated but a different one is still refused.
    init(_ certificate: Certificate, requireSubjectSerialNumber: Bool) throws {
        let attributes = try Self.subjectDirectoryAttributes(certificate)
        let taxIDTexts = attributes.filter { $0.type == BusinessCertificateOID.taxID }
            .flatMap(\.values).compactMap(ASN1Reading.text).map { $0.trimmingWhitespace() }
        guard let first = taxIDTexts.first else { throw BusinessCertificateErrors.taxIDMissing }
        guard Set(taxIDTexts).count == 1 else { throw BusinessCertificateErrors.taxIDMismatch }
        guard let taxID = TaxID(first) else { throw BusinessCertificateErrors.taxIDInvalid }

        let serialNumbers = Self.subjectTexts(certificate, BusinessCertificateOID.subjectSerialNumber)
        if serialNumbers.isEmpty {
            if requireSubjectSerialNumber { throw BusinessCertificateErrors.taxIDMismatch }
        } else if serialNumbers.contains(where: { $0.trimmingWhitespace() != taxID.digits }) {
            throw BusinessCertificateErrors.taxIDMismatch
        }

        self.taxID = taxID.digits
        let names = Self.subjectTexts(certificate, RDNAttributeType.commonName)
            + Self.subjectTexts(certificate, RDNAttributeType.organizationName)
        organisationName = names.first { !$0.trimmingWhitespace().isEmpty }?.trimmingWhitespace() ?? taxID.digits
        cardType = attributes.contains(where: Self.marksAttachedCard) ? .attached : .primary
    }

    /// 附卡 are marked by 2.16.886.1.100.2.2 in Subject Directory Attributes; accept it as the attribute
    /// type or as an OID value of any attribute, since profiles differ in where they put it.
    private static func marksAttachedCard(_ attribute: ASN1Attribute) -> Bool {
        attribute.type == BusinessCertificateOID.attachedCard
            || attribute.values.contains { (try? ASN1Reading.oid($0)) == BusinessCertificateOID.attachedCard }
    }

    /// SubjectDirectoryAttributes ::= SEQUENCE SIZE (1..MAX) OF Attribute
    /// Attribute ::= SEQUENCE { type OID, values SET OF AttributeValue }
    private static func subjectDirectoryAttributes(_ certificate: Certificate) throws -> [ASN1Attribute] {
        guard let ext = certificate.extensions[oid: BusinessCertificateOID.subjectDirectoryAttributes] else {
            return []
        }
        do {
            return try ASN1Reading.children(try DER.parse(ext.value), .sequence).map(ASN1Attribute.init)
        } catch {
            throw BusinessCertificateErrors.malformed
        }
    }

    private static func subjectTexts(_ certificate: Certificate, _ type: ASN1ObjectIdentifier) -> [String] {
        certificate.subject.flatMap { $0 }.filter { $0.type == type }.map { String($0.value) ?? "\($0.value)" }
    }
}

private typealias RDNAttributeType = ASN1ObjectIdentifier.RDNAttributeType
