#pragma once

#include <QAbstractSocket>
#include <QList>
#include <QSslConfiguration>
#include <QString>

#include "tlsfiles.h"
#include "tlsinfo.h"

class QSslCertificate;
class QSslError;
struct TlsSettings;

// The TLS policy of a session, apart from its sockets: the client
// configuration, the decision on the peer's certificate, and the words
// the user reads when something fails.
namespace TlsConfig {

// Verification on against the system's CAs plus material.caCertificates;
// ALPN from settings.alpn; the client certificate and key if any.
QSslConfiguration clientConfiguration(const TlsSettings &settings, const TlsFiles::Material &material);

// The decision on the peer's certificate.
struct Verdict {
    enum class Basis {
        Verified, // verification passed (and the certificate is pinned, if pins are given)
        Pinned,   // verification failed, but the certificate is one of the pins
        Insecure, // verification failed, and the user chose to accept anything
        Rejected,
    };
    Basis basis = Basis::Rejected;
    QList<TlsProblem> problems; // what verification said, plus PinMismatch; for Pinned and Insecure: what was overridden
    bool accepted() const { return basis != Basis::Rejected; }
};

// `errors` are verification's findings (empty when it passed); `peer` is the
// peer's own certificate. Pins, when given, decide alone: exactly a pinned
// certificate is accepted, whatever verification says, and any other is
// refused. Otherwise insecure accepts anything, and else verification decides.
Verdict judge(const TlsSettings &settings, const QList<QSslError> &errors, const QSslCertificate &peer);

// The distinct reasons in words, in order: "expired, wrong host name".
QString reasonsInWords(const QList<TlsProblem> &problems);
// "Certificate of HOST:PORT rejected: self-signed, wrong host name"
QString rejectionMessage(const QString &endpoint, const QList<TlsProblem> &problems);
// A handshake that failed for another reason than the certificate, in words:
// "TLS handshake with HOST:PORT failed: the peer does not seem to speak TLS (...)".
QString handshakeFailureMessage(const QString &endpoint, QAbstractSocket::SocketError error, const QString &qtMessage);
// True for the socket errors that come from the TLS layer.
bool isTlsSocketError(QAbstractSocket::SocketError error);

} // namespace TlsConfig
