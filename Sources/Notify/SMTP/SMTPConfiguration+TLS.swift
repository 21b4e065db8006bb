import NIOSSL

extension SMTPConfiguration {
    /// The TLS context for `.startTLS` and `.tls`; nil for `.none`. Built once per client, and
    /// eagerly, so a missing CA file is reported at start-up rather than at the first mail.
    func makeTLSContext() throws(SMTPError) -> NIOSSLContext? {
        guard security != .none else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            if let trustedCAFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustedCAFile))
            }
            switch certificateVerification {
            case .full: tls.certificateVerification = .fullVerification
            case .noHostname: tls.certificateVerification = .noHostnameVerification
            case .none: tls.certificateVerification = .none
            }
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .configuration("cannot build the TLS context: \(error)")
        }
    }
}
