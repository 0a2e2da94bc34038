#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

class QSslCertificate;
class QSslError;
class QSslSocket;

// What a certificate says, in plain values for display and export.
struct CertificateInfo {
    QString subject;          // display name (CN, else O...)
    QString subjectFull;      // "CN=..., O=..." as in the certificate
    QString issuer;
    QString issuerFull;
    QDateTime notBefore;      // UTC
    QDateTime notAfter;       // UTC
    QStringList subjectAltNames; // "DNS:example.org", "IP:127.0.0.1", "email:..."
    QByteArray sha256;        // 32 bytes
    QString keyType;          // "RSA", "EC", "DSA", "DH", "unknown"
    int keyBits = 0;
    QString serialNumber;
    bool selfSigned = false;
    QByteArray pem;

    static CertificateInfo from(const QSslCertificate &certificate);
};

// One reason the peer's certificate failed verification.
struct TlsProblem {
    enum class Kind {
        Expired,
        NotYetValid,
        SelfSigned,        // the certificate, or one in its chain, signs itself and is not trusted
        HostNameMismatch,
        UntrustedIssuer,   // no path to a trusted CA
        Revoked,
        PinMismatch,       // --trust given, and this certificate is not one of the pins
        Other,
    };
    Kind kind = Kind::Other;
    QString message;          // Qt's (OpenSSL's) own words, for the user
    QByteArray sha256;        // of the certificate concerned; empty if none

    static TlsProblem from(const QSslError &error);
    // "expired", "self-signed", "wrong host name", "untrusted issuer"...
    static QString kindName(Kind kind);
};

// The negotiated TLS session, recorded after the handshake.
struct TlsDetails {
    QString protocol;         // "TLS 1.3"
    QString cipher;           // "TLS_AES_256_GCM_SHA384"
    QString alpn;             // negotiated protocol; empty if none
    QList<CertificateInfo> chain; // peer first

    static TlsDetails from(const QSslSocket &socket);
    // One line for the transcript's "tls_handshake" event.
    QString summary() const;
};
