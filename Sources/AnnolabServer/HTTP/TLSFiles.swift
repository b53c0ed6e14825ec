// The certificate and key with which the lab serves HTTPS itself.
import AnnolabCore
import Foundation
import HummingbirdTLS

/// PEM files for `annolab serve --tls-certificate FILE --tls-key FILE`.
///
/// ```swift
/// let tls = LabServer.TLSFiles(certificate: URL(fileURLWithPath: "lab.crt"), privateKey: URL(fileURLWithPath: "lab.key"))
/// try tls.check()   // a plain reason when a file cannot be read
/// ```
public struct TLSFiles: Sendable {
    public var certificate: URL
    public var privateKey: URL

    public init(certificate: URL, privateKey: URL) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Reads both files, so that a wrong path or a broken file stops the lab before it serves.
    public func check() throws {
        _ = try configuration()
    }

    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate.path)
        } catch {
            throw LabError(.badRequest, "tls_certificate_unreadable",
                           "The certificate \(certificate.path) cannot be read as a PEM certificate.")
        }
        guard !chain.isEmpty else {
            throw LabError(.badRequest, "tls_certificate_unreadable", "The file \(certificate.path) holds no certificate.")
        }
        do {
            key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        } catch {
            throw LabError(.badRequest, "tls_key_unreadable", "The key \(privateKey.path) cannot be read as a PEM private key.")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
