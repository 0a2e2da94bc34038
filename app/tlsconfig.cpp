#include "tlsconfig.h"

#include <QCryptographicHash>
#include <QSslCertificate>
#include <QSslError>
#include <QSslSocket>

#include "connectionoptions.h"

namespace TlsConfig {

QSslConfiguration clientConfiguration(const TlsSettings &settings, const TlsFiles::Material &material)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!material.caCertificates.isEmpty()) {
        // Adding CAs turns off loading the system's on demand: add both.
        configuration.setCaCertificates(QSslConfiguration::systemCaCertificates() + material.caCertificates);
    }
    if (!settings.alpn.isEmpty()) {
        QList<QByteArray> protocols;
        for (const QString &protocol : settings.alpn)
            protocols << protocol.toLatin1();
        configuration.setAllowedNextProtocols(protocols);
    }
    if (!material.localChain.isEmpty()) {
        configuration.setLocalCertificateChain(material.localChain);
        configuration.setPrivateKey(material.privateKey);
    }
    return configuration;
}

Verdict judge(const TlsSettings &settings, const QList<QSslError> &errors, const QSslCertificate &peer)
{
    Verdict verdict;
    for (const QSslError &error : errors)
        verdict.problems << TlsProblem::from(error);
    if (!settings.pins.isEmpty()) {
        const QByteArray digest = peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256);
        if (!digest.isEmpty() && settings.pins.contains(digest)) {
            verdict.basis = errors.isEmpty() ? Verdict::Basis::Verified : Verdict::Basis::Pinned;
            return verdict;
        }
        TlsProblem mismatch;
        mismatch.kind = TlsProblem::Kind::PinMismatch;
        mismatch.sha256 = digest;
        mismatch.message = digest.isEmpty()
            ? QStringLiteral("The peer sent no certificate to compare with the trusted fingerprints")
            : QStringLiteral("The certificate's SHA-256 fingerprint %1 is not one of the trusted fingerprints")
                  .arg(TlsSettings::formatFingerprint(digest));
        verdict.problems << mismatch;
        verdict.basis = Verdict::Basis::Rejected;
        return verdict;
    }
    if (errors.isEmpty())
        verdict.basis = Verdict::Basis::Verified;
    else
        verdict.basis = settings.insecure ? Verdict::Basis::Insecure : Verdict::Basis::Rejected;
    return verdict;
}

QString reasonsInWords(const QList<TlsProblem> &problems)
{
    QStringList words;
    for (const TlsProblem &problem : problems) {
        const QString word = problem.kind == TlsProblem::Kind::Other ? problem.message : TlsProblem::kindName(problem.kind);
        if (!words.contains(word))
            words << word;
    }
    return words.join(QLatin1String(", "));
}

QString rejectionMessage(const QString &endpoint, const QList<TlsProblem> &problems)
{
    return QStringLiteral("Certificate of %1 rejected: %2").arg(endpoint, reasonsInWords(problems));
}

bool isTlsSocketError(QAbstractSocket::SocketError error)
{
    return error == QAbstractSocket::SslHandshakeFailedError || error == QAbstractSocket::SslInternalError
        || error == QAbstractSocket::SslInvalidUserDataError;
}

QString handshakeFailureMessage(const QString &endpoint, QAbstractSocket::SocketError error, const QString &qtMessage)
{
    const QString lower = qtMessage.toLower();
    QString why;
    if (error == QAbstractSocket::RemoteHostClosedError)
        why = QStringLiteral("the peer closed the connection during the handshake (does it speak TLS on this port?)");
    else if (error == QAbstractSocket::SslInvalidUserDataError)
        why = QStringLiteral("the client certificate or key cannot be used");
    else if (lower.contains(QLatin1String("certificate required")))
        why = QStringLiteral("the peer requires a client certificate");
    else if (lower.contains(QLatin1String("wrong version number")) || lower.contains(QLatin1String("packet length too long"))
             || lower.contains(QLatin1String("record layer failure")) || lower.contains(QLatin1String("http request")))
        why = QStringLiteral("the peer does not seem to speak TLS");
    else if (lower.contains(QLatin1String("alert bad certificate")) || lower.contains(QLatin1String("alert unknown ca"))
             || lower.contains(QLatin1String("alert unsupported certificate"))
             || lower.contains(QLatin1String("alert certificate unknown")))
        why = QStringLiteral("the peer rejected the client certificate");
    else if (lower.contains(QLatin1String("no application protocol")))
        why = QStringLiteral("the peer accepts none of the offered ALPN protocols");
    else if (lower.contains(QLatin1String("protocol version")) || lower.contains(QLatin1String("unsupported protocol")))
        why = QStringLiteral("no TLS version in common with the peer");
    else if (lower.contains(QLatin1String("handshake failure")) || lower.contains(QLatin1String("no shared cipher")))
        why = QStringLiteral("the peer refused the handshake");
    else
        why = QStringLiteral("protocol error");
    QString message = QStringLiteral("TLS handshake with %1 failed: %2").arg(endpoint, why);
    if (!qtMessage.isEmpty())
        message += QStringLiteral(" (%1)").arg(qtMessage);
    return message;
}

} // namespace TlsConfig
