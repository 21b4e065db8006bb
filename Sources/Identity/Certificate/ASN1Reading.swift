import Foundation
import SwiftASN1

/// A structure we read by hand did not have the shape its ASN.1 module promises.
struct ASN1ShapeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Small walkers over SwiftASN1 nodes. CMS SignedData and CRLs are read by hand because
/// swift-certificates 1.21.1 keeps its CMS types behind `@_spi(CMS)` and has no CRL type (SPEC T1).
/// They accept BER (HiPKI and `openssl cms -stream` may send indefinite lengths) as well as DER.
enum ASN1Reading {
    static func context(_ number: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific)
    }

    static func children(_ node: ASN1Node, _ expected: ASN1Identifier? = nil) throws -> [ASN1Node] {
        if let expected, node.identifier != expected {
            throw ASN1ShapeError("expected \(expected), found \(node.identifier)")
        }
        guard case .constructed(let nodes) = node.content else {
            throw ASN1ShapeError("expected a constructed \(node.identifier)")
        }
        return Array(nodes)
    }

    static func primitive(_ node: ASN1Node) throws -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node.content else {
            throw ASN1ShapeError("expected a primitive \(node.identifier)")
        }
        return bytes
    }

    static func oid(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try ASN1ObjectIdentifier(berEncoded: node)
    }

    /// OCTET STRING contents; BER allows a constructed string made of chunks, so join them.
    static func octets(_ node: ASN1Node) throws -> [UInt8] {
        switch node.content {
        case .primitive(let bytes):
            return Array(bytes)
        case .constructed(let chunks):
            return try chunks.flatMap { try octets($0) }
        }
    }

    /// INTEGER contents as a magnitude without leading zero bytes, so serial numbers compare
    /// equal however each side normalised them.
    static func unsignedMagnitude<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        Array(bytes.drop(while: { $0 == 0 }))
    }

    /// The text of a DirectoryString-like value (PrintableString, UTF8String, IA5String, …).
    static func text(_ node: ASN1Node) -> String? {
        guard case .primitive(let bytes) = node.content, node.identifier.tagClass == .universal else {
            return nil
        }
        switch node.identifier {
        case .utf8String, .printableString, .ia5String, .numericString, .visibleString:
            return String(decoding: bytes, as: UTF8.self)
        case .teletexString:
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        case .bmpString:
            guard bytes.count.isMultiple(of: 2) else { return nil }
            let units = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
            }
            return String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// X.509 Time: UTCTime or GeneralizedTime, always UTC.
    static func time(_ node: ASN1Node) throws -> Date {
        let parts: (Int, Int, Int, Int, Int, Int, Double)
        switch node.identifier {
        case .utcTime:
            let t = try UTCTime(berEncoded: node)
            parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds, 0)
        case .generalizedTime:
            let t = try GeneralizedTime(berEncoded: node)
            parts = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds, t.fractionalSeconds)
        default:
            throw ASN1ShapeError("expected a time, found \(node.identifier)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: parts.0, month: parts.1, day: parts.2,
                                        hour: parts.3, minute: parts.4, second: parts.5)
        guard let date = calendar.date(from: components) else { throw ASN1ShapeError("bad time") }
        return date + parts.6
    }
}

/// Attribute ::= SEQUENCE { type OID, values SET OF AttributeValue } — X.501's shape, used by CMS signed
/// attributes and by Subject Directory Attributes alike.
struct ASN1Attribute {
    var type: ASN1ObjectIdentifier
    var values: [ASN1Node]

    init(_ node: ASN1Node) throws {
        let parts = try ASN1Reading.children(node, .sequence)
        guard parts.count == 2 else { throw ASN1ShapeError("Attribute") }
        type = try ASN1Reading.oid(parts[0])
        values = try ASN1Reading.children(parts[1], .set)
    }
}

/// Object identifiers used by 工商憑證 login (SPEC T1).
enum BusinessCertificateOID {
    // CMS (RFC 5652)
    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 1]
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 2]
    static let contentTypeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 3]
    static let messageDigestAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 4]

    // X.509 extensions and attributes (RFC 5280)
    static let subjectDirectoryAttributes: ASN1ObjectIdentifier = [2, 5, 29, 9]
    static let crlDistributionPoints: ASN1ObjectIdentifier = [2, 5, 29, 31]
    static let issuingDistributionPoint: ASN1ObjectIdentifier = [2, 5, 29, 28]
    static let deltaCRLIndicator: ASN1ObjectIdentifier = [2, 5, 29, 27]
    static let certificateIssuer: ASN1ObjectIdentifier = [2, 5, 29, 29]
    static let subjectSerialNumber: ASN1ObjectIdentifier = [2, 5, 4, 5]

    // GPKI (Taiwan): 統一編號 and the attached-card (附卡) marker in Subject Directory Attributes.
    static let taxID: ASN1ObjectIdentifier = [2, 16, 886, 1, 100, 2, 101]
    static let attachedCard: ASN1ObjectIdentifier = [2, 16, 886, 1, 100, 2, 2]
}
