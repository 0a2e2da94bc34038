#include "tlsinfo.h"

#include <QCryptographicHash>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslKey>
#include <QSslSocket>

#include "connectionoptions.h"

namespace {

QString protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_3:
        return QStringLiteral("TLS 1.3");
    case QSsl::TlsV1_2:
        return QStringLiteral("TLS 1.2");
QT_WARNING_PUSH
QT_WARNING_DISABLE_DEPRECATED
    case QSsl::TlsV1_1:
        return QStringLiteral("TLS 1.1");
    case QSsl::TlsV1_0:
        return QStringLiteral("TLS 1.0");
QT_WARNING_POP
    case QSsl::DtlsV1_2:
        return QStringLiteral("DTLS 1.2");
    default:
        return QStringLiteral("unknown");
    }
}

QString keyTypeName(QSsl::KeyAlgorithm algorithm)
{
    switch (algorithm) {
    case QSsl::Rsa:
        return QStringLiteral("RSA");
    case QSsl::Ec:
        return QStringLiteral("EC");
    case QSsl::Dsa:
        return QStringLiteral("DSA");
    case QSsl::Dh:
        return QStringLiteral("DH");
    case QSsl::Opaque:
        break;
    }
    return QStringLiteral("unknown");
}

QString alternativeNamePrefix(QSsl::AlternativeNameEntryType type)
{
    switch (type) {
    case QSsl::DnsEntry:
        return QStringLiteral("DNS");
    case QSsl::EmailEntry:
        return QStringLiteral("email");
    case QSsl::IpAddressEntry:
        return QStringLiteral("IP");
    }
    return QStringLiteral("other");
}

// "CN=..., O=...", attributes in the certificate's order.
template<typename Values>
QString distinguishedName(const QList<QByteArray> &attributes, Values values)
{
    QStringList parts;
    for (const QByteArray &attribute : attributes) {
        const QStringList attributeValues = values(attribute);
        for (const QString &value : attributeValues)
            parts << QString::fromLatin1(attribute) + QLatin1Char('=') + value;
    }
    return parts.join(QLatin1String(", "));
}

} // namespace

CertificateInfo CertificateInfo::from(const QSslCertificate &certificate)
{
    CertificateInfo info;
    info.subject = certificate.subjectDisplayName();
    info.subjectFull = distinguishedName(certificate.subjectInfoAttributes(),
                                         [&](const QByteArray &a) { return certificate.subjectInfo(a); });
    info.issuerFull = distinguishedName(certificate.issuerInfoAttributes(),
                                        [&](const QByteArray &a) { return certificate.issuerInfo(a); });
    info.issuer = certificate.issuerDisplayName();
    info.notBefore = certificate.effectiveDate().toUTC();
    info.notAfter = certificate.expiryDate().toUTC();
    const auto names = certificate.subjectAlternativeNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        info.subjectAltNames << alternativeNamePrefix(it.key()) + QLatin1Char(':') + it.value();
    info.sha256 = certificate.digest(QCryptographicHash::Sha256);
    const QSslKey key = certificate.publicKey();
    info.keyType = keyTypeName(key.algorithm());
    info.keyBits = key.length();
    info.serialNumber = QString::fromLatin1(certificate.serialNumber());
    info.selfSigned = certificate.isSelfSigned();
    info.pem = certificate.toPem();
    return info;
}

TlsProblem TlsProblem::from(const QSslError &error)
{
    TlsProblem problem;
    problem.message = error.errorString();
    if (!error.certificate().isNull())
        problem.sha256 = error.certificate().digest(QCryptographicHash::Sha256);
    switch (error.error()) {
    case QSslError::CertificateExpired:
        problem.kind = Kind::Expired;
        break;
    case QSslError::CertificateNotYetValid:
        problem.kind = Kind::NotYetValid;
        break;
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
        problem.kind = Kind::SelfSigned;
        break;
    case QSslError::HostNameMismatch:
        problem.kind = Kind::HostNameMismatch;
        break;
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
        problem.kind = Kind::UntrustedIssuer;
        break;
    case QSslError::CertificateRevoked:
        problem.kind = Kind::Revoked;
        break;
    default:
        problem.kind = Kind::Other;
        break;
    }
    return problem;
}

QString TlsProblem::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Expired:
        return QStringLiteral("expired");
    case Kind::NotYetValid:
        return QStringLiteral("not yet valid");
    case Kind::SelfSigned:
        return QStringLiteral("self-signed");
    case Kind::HostNameMismatch:
        return QStringLiteral("wrong host name");
    case Kind::UntrustedIssuer:
        return QStringLiteral("untrusted issuer");
    case Kind::Revoked:
        return QStringLiteral("revoked");
    case Kind::PinMismatch:
        return QStringLiteral("not the trusted certificate");
    case Kind::Other:
        break;
    }
    return QStringLiteral("other");
}

TlsDetails TlsDetails::from(const QSslSocket &socket)
{
    TlsDetails details;
    details.protocol = protocolName(socket.sessionProtocol());
    details.cipher = socket.sessionCipher().name();
    details.alpn = QString::fromLatin1(socket.sslConfiguration().nextNegotiatedProtocol());
    for (const QSslCertificate &certificate : socket.peerCertificateChain())
        details.chain << CertificateInfo::from(certificate);
    return details;
}

QString TlsDetails::summary() const
{
    QString text = protocol + QLatin1String(", ") + cipher;
    if (!alpn.isEmpty())
        text += QLatin1String(", ALPN ") + alpn;
    if (!chain.isEmpty()) {
        const CertificateInfo &peer = chain.constFirst();
        text += QLatin1String(", certificate ") + peer.subject + QLatin1String(" SHA-256 ")
            + TlsSettings::formatFingerprint(peer.sha256);
    }
    return text;
}
